"""Published items made directly with the ORM, indexed the way the publishing services do."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Category
from disclosure.models import Item
from search.indexing import index_item

_serial = itertools.count(1)


def category(organisation, code="07", name="精准扶贫脱贫和社会救助信息", parent=None, **fields):
    return Category.objects.get_or_create(
        organisation=organisation, code=code, defaults={"name": name, "parent": parent, **fields}
    )[0]


def clerk():
    return get_user_model().objects.get_or_create(username="factory-clerk")[0]


def published_item(
    organisation,
    category,
    *,
    title="关于2017年农村低保对象的公示",
    published_at=None,
    publisher=None,
    index=True,
    **fields,
) -> Item:
    """A published item with a unique index number; indexed for search unless index=False."""
    published_at = published_at or timezone.make_aware(datetime.datetime(2017, 3, 1, 9, 0))
    serial = next(_serial)
    item = Item.objects.create(
        organisation=organisation,
        category=category,
        publisher=publisher or organisation,
        title=title,
        written_on=fields.pop("written_on", published_at.date()),
        created_by=clerk(),
        status=Item.Status.PUBLISHED,
        published_at=published_at,
        index_number=fields.pop("index_number", f"{organisation.code}/{published_at.year}-{serial:05d}"),
        **fields,
    )
    if index:
        index_item(item)
    return item


def withdraw(item, reason="信息有误，已撤回更正。"):
    item.status = Item.Status.WITHDRAWN
    item.withdrawn_at = timezone.now()
    item.withdrawal_reason = reason
    item.save()
    index_item(item)
    return item
