"""Index numbers (索引号, issue 4 point 2): generated on first publication, unique, never reused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from catalog.models import Category, Role
from disclosure import services
from disclosure.models import IndexCounter, Item, ReviewStep
from tests.disclosure.conftest import WRITTEN_ON, local, postgres_only


def test_index_number_uses_the_organisation_code_year_and_a_five_digit_serial(make_item, publish, shuangxi):
    first = publish(make_item(title="一"), at=local(2026, 3, 20, 9))
    second = publish(make_item(title="二"), at=local(2026, 3, 20, 10))
    assert first.index_number == f"{shuangxi.code}/2026-00001"
    assert second.index_number == f"{shuangxi.code}/2026-00002"


def test_drafts_have_no_index_number(make_item):
    assert make_item().index_number is None


def test_serials_restart_each_year_and_follow_the_publication_date(make_item, publish, shuangxi):
    publish(make_item(title="去年"), at=local(2025, 12, 31, 23, 30))
    item = publish(make_item(title="今年"), at=local(2026, 1, 1, 0, 30))
    assert item.index_number == f"{shuangxi.code}/2026-00001"


def test_format_is_a_setting_of_the_organisation(make_item, publish, shuangxi):
    shuangxi.index_number_format = "{code}-SX-{year}-{serial:04d}"
    shuangxi.save()
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    assert item.index_number == f"{shuangxi.code}-SX-2026-0001"


def test_bad_format_stops_publication_with_a_message_and_writes_nothing(make_item, publish, shuangxi):
    shuangxi.index_number_format = "{code}/{year}-{number}"
    shuangxi.save()
    with pytest.raises(ValidationError, match="索引号格式"):
        publish(make_item(), at=local(2026, 3, 20, 9))
    item = Item.objects.get()
    assert item.status == Item.Status.IN_REVIEW and item.index_number is None
    assert not IndexCounter.objects.exists()


def test_a_format_without_the_year_is_refused_before_numbers_repeat_next_year(make_item, publish, shuangxi):
    # The serial starts again at 1 each year, so without {year} next January's first number is this year's.
    shuangxi.index_number_format = "{code}-{serial:05d}"
    shuangxi.save()
    with pytest.raises(ValidationError, match="year"):
        publish(make_item(), at=local(2026, 3, 20, 9))
    assert Item.objects.get().index_number is None


def test_withdrawn_item_keeps_its_number_and_the_number_is_never_given_again(make_item, publish, approver):
    first = publish(make_item(title="一"), at=local(2026, 3, 20, 9))
    services.item_withdraw(item=first, by=approver, reason="内容有误，已另行发布更正。")
    second = publish(make_item(title="二"), at=local(2026, 3, 21, 9))
    first.refresh_from_db()
    assert first.index_number.endswith("-00001") and second.index_number.endswith("-00002")


def test_the_database_refuses_a_duplicate_index_number(make_item, publish):
    first = publish(make_item(title="一"), at=local(2026, 3, 20, 9))
    other = make_item(title="二")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=other.pk).update(index_number=first.index_number)


@pytest.mark.django_db(transaction=True)
def test_index_number_allocation_refuses_to_run_outside_a_transaction(shuangxi):
    with pytest.raises(RuntimeError):
        services.index_number_allocate(organisation=shuangxi, year=2026)


def test_other_townships_count_separately(make_item, publish, yingqian, outsider, shuangxi):
    ReviewStep.objects.create(organisation=yingqian, order=1, name="签发", role=Role.APPROVER)
    category = Category.objects.create(organisation=yingqian, code="tz", name="通知")
    theirs = services.item_create(
        by=outsider, organisation=yingqian, category=category, title="营前", summary="营前", written_on=WRITTEN_ON
    )
    publish(make_item(), at=local(2026, 3, 20, 9))
    with transaction.atomic():
        number = services.index_number_allocate(organisation=yingqian, year=2026)
    assert number == f"{yingqian.code}/2026-00001"
    assert theirs.index_number is None


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_concurrent_publications_get_distinct_numbers_without_gaps(
    make_item, author, reviewer, secrecy_reviewer, approver, steps
):
    """Eight sign-offs in eight connections at the same moment; the serials are exactly 1…8."""
    count = 8
    items = []
    for n in range(count):
        item = make_item(title=f"并发发布{n}")
        services.item_submit(item=item, by=author)
        item.refresh_from_db()
        item = services.item_review(item=item, by=reviewer, approve=True)
        item = services.item_review(item=item, by=secrecy_reviewer, approve=True)
        items.append(item.pk)
    barrier = threading.Barrier(count)
    errors = []

    def sign_off(pk):
        try:
            item = Item.objects.get(pk=pk)
            barrier.wait()
            services.item_review(item=item, by=approver, approve=True, at=local(2026, 3, 20, 9))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_off, args=(pk,)) for pk in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Item.objects.filter(pk__in=items).values_list("index_number", flat=True))
    assert [number.rsplit("-", 1)[1] for number in numbers] == [f"{n:05d}" for n in range(1, count + 1)]
    assert IndexCounter.objects.get().last_serial == count


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_a_rolled_back_publication_gives_its_serial_back(make_item, shuangxi, steps):
    make_item()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.index_number_allocate(organisation=shuangxi, year=2026)
        raise RuntimeError("publication failed after the number was drawn")
    with transaction.atomic():
        assert services.index_number_allocate(organisation=shuangxi, year=2026).endswith("-00001")
