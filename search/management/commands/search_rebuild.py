from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from search.indexing import index_item
from search.models import SearchEntry


class Command(BaseCommand):
    help = "Rebuild the search index of every item (after restoring a backup or changing how text is indexed)."

    def handle(self, *args, **options):
        # Looked up by name: the disclosure app imports search, never the other way round.
        Item = apps.get_model("disclosure", "Item")
        published = Item.objects.filter(status="published")
        ids = list(published.values_list("pk", flat=True).order_by("pk"))
        for start in range(0, len(ids), 500):
            # One transaction per batch: a commit per item would wait on the disk each time.
            with transaction.atomic():
                for item in Item.objects.filter(pk__in=ids[start : start + 500]):
                    index_item(item)
        done = len(ids)
        stale = SearchEntry.objects.exclude(pk__in=published.values("pk"))
        for item in Item.objects.filter(pk__in=stale.values("pk")):
            index_item(item)
        self.stdout.write(self.style.SUCCESS(f"已重建检索索引：{done} 条已发布信息。"))
