"""The item page's hand-written reads give what the ORM gives, on SQLite and PostgreSQL."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from disclosure.models import Attachment, Item
from portal import item_reads
from tests.portal.conftest import at
from tests.postgres import requires_postgres
from tests.search import factories
from township_portal.lib.lean import Select


def _fields(item):
    return {f.attname: getattr(item, f.attname) for f in Item._meta.concrete_fields}


def test_an_item_read_by_hand_equals_the_orm_read_times_booleans_and_empty_values(shuangxi, relief_items):
    first = relief_items[0]
    Item.objects.filter(pk=first.pk).update(due_on_provisional=True)
    expected = Item.objects.get(pk=first.pk)
    found = item_reads.item_of(shuangxi.pk, first.pk)
    assert _fields(found) == _fields(expected)
    assert found.published_at.tzinfo is not None  # aware, as the ORM gives it (SQLite keeps text)
    assert found.published_at == at(2017, 3, 1)
    assert found.due_on_provisional is True and found.repealed_on is None  # SQLite keeps 1
    assert found._state.db == "default" and not found._state.adding


def test_an_item_of_another_body_or_none_is_not_found(shuangxi, yingqian, relief_items):
    assert item_reads.item_of(yingqian.pk, relief_items[0].pk) is None
    assert item_reads.item_of(shuangxi.pk, 10**12) is None


def test_neighbours_follow_the_newest_first_order_ties_by_id_within_the_column_only(shuangxi, poverty, notices):
    same = at(2020, 5, 1)
    older = factories.published_item(shuangxi, poverty, title="更早", published_at=at(2019, 1, 1))
    a, b, c = (factories.published_item(shuangxi, poverty, title=f"同时{n}", published_at=same) for n in "一二三")
    factories.published_item(shuangxi, notices, title="别的栏目", published_at=at(2020, 5, 2))
    factories.published_item(shuangxi, poverty, title="未索引", published_at=at(2021, 1, 1), index=False)

    def around(item):
        page = item_reads.item_page_of(shuangxi.pk, item.pk)
        return page.newer, page.older

    assert around(b) == ((c.pk, "同时三"), (a.pk, "同时一"))
    assert around(c)[0] is None  # the other column's and the unindexed items are not its neighbours
    assert around(a) == ((b.pk, "同时二"), (older.pk, "更早"))
    assert around(older)[1] is None


def test_attachments_are_listed_in_their_order_without_reading_their_text(shuangxi, relief_items):
    item = relief_items[1]
    assert item_reads.item_page_of(shuangxi.pk, item.pk).listed_attachments == []
    for order, name in [(2, "乙.pdf"), (1, "甲.pdf"), (1, "丙.pdf")]:
        Attachment.objects.create(
            item=item, file=f"attachments/{name}", original_name=name, content_type="application/pdf",
            size=10, sha256="", order=order, text="很长的提取文字",
        )  # fmt: skip
    listed = item_reads.item_page_of(shuangxi.pk, item.pk).listed_attachments
    assert [a.original_name for a in listed] == ["甲.pdf", "丙.pdf", "乙.pdf"]
    with CaptureQueriesContext(connection) as queries:
        assert (listed[0].size, listed[0].content_type, listed[0].item_id) == (10, "application/pdf", item.pk)
        assert listed[0]._state.db == "default" and not listed[0]._state.adding
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert listed[0].text == "很长的提取文字"  # deferred: read when used
    assert len(queries) == 1


def test_the_item_and_what_its_page_shows_around_it_are_one_statement(shuangxi, relief_items):
    item = relief_items[1]
    with CaptureQueriesContext(connection) as queries:
        page = item_reads.item_page_of(shuangxi.pk, item.pk)
    assert len(queries) == 1
    assert _fields(page) == _fields(Item.objects.get(pk=item.pk))
    assert (page.newer.pk, page.older.pk) == (relief_items[2].pk, relief_items[0].pk)
    assert item_reads.item_page_of(shuangxi.pk, 2**63) is None and item_reads.item_page_of(shuangxi.pk, 0) is None


def test_a_select_refuses_a_field_the_model_does_not_have():
    with pytest.raises(FieldDoesNotExist):
        Select(Item, ("title", "no_such_field"), "SELECT {columns} FROM {table}")()


def test_the_item_page_names_its_publisher_whether_the_body_or_one_of_its_offices(client, relief_items):
    by_office, by_body = relief_items[0], relief_items[1]
    assert (by_office.publisher.name, by_body.publisher.name) == ("双溪乡民政所", "上犹县双溪乡人民政府")
    assert "<td>双溪乡民政所</td>" in client.get(f"/shuangxi/items/{by_office.pk}/").content.decode()
    assert "<td>上犹县双溪乡人民政府</td>" in client.get(f"/shuangxi/items/{by_body.pk}/").content.decode()


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'lean%%'")
        return [row[0] for row in cursor.fetchall()]


@requires_postgres("server-side prepared statements")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_each_statement_is_prepared_once_per_connection(shuangxi, relief_items):
    item = relief_items[1]
    connection.close()  # a new connection has prepared nothing
    assert item_reads.item_of(shuangxi.pk, item.pk).pk == item.pk
    assert item_reads.item_page_of(shuangxi.pk, item.pk).newer.pk == relief_items[2].pk
    statements = _prepared_statements()
    assert len(statements) == 2 and all(s.startswith("PREPARE lean_") for s in statements)
    with CaptureQueriesContext(connection) as queries:
        assert item_reads.item_page_of(shuangxi.pk, item.pk).title == item.title
    page_statement = next(s for s in statements if '"search_searchentry"' in s)
    assert [q["sql"].split(" (")[0] for q in queries] == [page_statement.split(" AS ")[0].replace("PREPARE", "EXECUTE")]
    connection.close()
    assert item_reads.item_of(shuangxi.pk, item.pk).pk == item.pk  # prepared again on the new connection
    assert len(_prepared_statements()) == 1


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _ended_by_the_server(pid):
    """The connection ended as a database restart ends it: by the server, from another connection."""
    import psycopg2

    settings_dict = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings_dict["NAME"], user=settings_dict["USER"], host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432, password=settings_dict["PASSWORD"] or None,
    )  # fmt: skip
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


@requires_postgres("a connection ended by the server")
@pytest.mark.django_db(transaction=True)
def test_a_read_whose_persistent_connection_died_while_idle_is_made_on_a_new_one(shuangxi, relief_items):
    # The request's first statement stands in for Django's health check (CONN_HEALTH_CHECKS):
    # a connection that died between two requests (a database restart) still gives the page.
    item = relief_items[1]
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.settings_dict["CONN_MAX_AGE"] = 600  # kept between requests, as in production
    try:
        connection.close()
        old = _backend_pid()
        connection.close_if_unusable_or_obsolete()  # what Django does as a request starts
        assert item_reads.item_page_of(shuangxi.pk, item.pk).pk == item.pk
        assert _backend_pid() == old  # healthy: the same connection
        connection.close_if_unusable_or_obsolete()
        _ended_by_the_server(old)
        assert item_reads.item_page_of(shuangxi.pk, item.pk).title == item.title
        new = _backend_pid()
        assert new != old
        # Later in a request (its connection already used) nothing is run again: an error.
        _ended_by_the_server(new)
        with pytest.raises(OperationalError):
            item_reads.item_page_of(shuangxi.pk, item.pk)
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()


def test_with_prepared_statements_off_the_plain_statement_runs(settings, shuangxi, relief_items):
    settings.DB_PREPARED_STATEMENTS = False
    plain = Select(Item, ("title",), 'SELECT {columns} FROM {table} WHERE {table}."id" = %s')
    with CaptureQueriesContext(connection) as queries:
        assert plain(relief_items[0].pk)[0].title == relief_items[0].title
    assert queries[0]["sql"].startswith("SELECT")
