"""Two application servers running publish_scheduled at once publish each item once, without errors."""

import threading

import pytest
from django.db import connection, connections, transaction

from disclosure import services
from disclosure.models import Item
from tests.disclosure.conftest import local


@pytest.mark.django_db(transaction=True)
def test_an_item_another_server_is_publishing_is_skipped_not_failed(make_item, publish):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has a single writer, so two schedulers cannot overlap")
    item = publish(make_item(scheduled_for=local(2026, 3, 25, 8)), at=local(2026, 3, 20, 10))
    locked, release = threading.Event(), threading.Event()

    def other_server():
        try:
            with transaction.atomic():
                Item.objects.select_for_update().get(pk=item.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_server)
    thread.start()
    assert locked.wait(10)
    try:
        published, failed = services.items_publish_scheduled(now=local(2026, 3, 25, 8, 5))
    finally:
        release.set()
        thread.join()
    assert published == [] and failed == []
    published, failed = services.items_publish_scheduled(now=local(2026, 3, 25, 8, 10))
    assert [p.pk for p in published] == [item.pk] and failed == []
