"""PostgreSQL: the pair index's list of pending entries is kept small (1 MB, not 4 MB).

With ``fastupdate`` (on by default) a GIN index puts new entries in a pending list that is
merged into the index later, which makes inserts about three times cheaper, but every
search reads the whole list: at 100,000 items a rebuild left 4,285 pending pages, and a
ten-character phrase took 99 ms where the merged index answers in 14 ms. Bulk writes merge
the list when they end (``search.backends.settle_index``); between them, publishing one
item at a time merges it whenever it passes this limit, so a search reads at most 128
pending pages (about 2-3 ms). SQLite has no such list.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX search_chunk_pairs_gin SET (gin_pending_list_limit = 1024)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX search_chunk_pairs_gin RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_chunk_text_and_pair_index")]

    operations = [migrations.RunPython(forward, backward)]
