import io

from django.core.management import call_command
from django.db import connection

from disclosure.models import Attachment, Item
from search.models import Freshness, SearchChunk, SearchEntry
from search.queries import search_entries
from tests.search import factories
from township_portal.lib.search import parse_query


def _found(query):
    return set(search_entries(parse_query(query)).values_list("pk", flat=True))


def _fts_rows():
    if connection.vendor != "sqlite":
        return SearchChunk.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_chunk_fts")
        return cursor.fetchone()[0]


def test_a_published_item_is_found_by_title_body_and_attachment_text(shuangxi):
    column = factories.category(shuangxi)
    item = factories.published_item(shuangxi, column, title="低保公示", body="<p>精准<b>扶贫</b>工作</p>", index=False)
    Attachment.objects.create(
        item=item,
        file="attachments/a.pdf",
        original_name="2017年名单.pdf",
        content_type="application/pdf",
        size=1,
        sha256="",
        text="石门村　张三",
    )
    factories.index_item(item)
    assert _found("低保") == _found("扶贫工作") == _found("石门村 张三") == _found("2017年名单") == {item.pk}
    entry = SearchEntry.objects.get(pk=item.pk)
    assert entry.has_attachments and entry.title_folded == "低保公示"


def test_changing_an_item_replaces_its_tokens(shuangxi):
    column = factories.category(shuangxi)
    item = factories.published_item(shuangxi, column, body="<p>原来的内容</p>")
    rows = _fts_rows()
    item.body = "<p>更正后的内容</p>"
    item.save()
    factories.index_item(item)
    assert _found("原来") == set() and _found("更正后") == {item.pk}
    assert _fts_rows() == rows


def test_withdrawing_an_item_removes_it_and_all_its_tokens(shuangxi):
    column = factories.category(shuangxi)
    item = factories.published_item(shuangxi, column, title="将被撤回的公示", body="<p>" + "内容" * 9000 + "</p>")
    assert SearchChunk.objects.filter(entry_id=item.pk).count() > 1
    factories.withdraw(item)
    assert not SearchEntry.objects.exists() and not SearchChunk.objects.exists()
    assert _fts_rows() == 0
    assert _found("撤回") == set()


def test_indexing_moves_the_content_timestamp_of_the_township_and_the_county(county, shuangxi, yingqian):
    column = factories.category(shuangxi)
    item = factories.published_item(shuangxi, column)
    first = {row.pk: row.changed_at for row in Freshness.objects.all()}
    assert set(first) == {shuangxi.pk, county.pk}
    factories.index_item(item)
    second = {row.pk: row.changed_at for row in Freshness.objects.all()}
    assert all(second[pk] > first[pk] for pk in first)
    assert not Freshness.objects.filter(pk=yingqian.pk).exists()


def test_rebuilding_the_index_restores_missing_entries_and_drops_stale_ones(shuangxi):
    column = factories.category(shuangxi)
    kept = factories.published_item(shuangxi, column, title="索引丢失的公示", index=False)
    gone = factories.published_item(shuangxi, column, title="已撤回但仍在索引")
    Item.objects.filter(pk=gone.pk).update(
        status=Item.Status.WITHDRAWN, withdrawn_at=gone.published_at, withdrawal_reason="测试"
    )
    call_command("search_rebuild", stdout=io.StringIO())
    assert set(SearchEntry.objects.values_list("pk", flat=True)) == {kept.pk}
    assert _found("索引丢失") == {kept.pk}
