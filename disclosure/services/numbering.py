"""Index numbers (索引号): one counter per organisation and year, never reused."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Organisation
from disclosure.models import (
    IndexCounter,
    Item,
)

logger = logging.getLogger(__name__)


def _index_format_check(organisation: Organisation) -> str:
    template = organisation.index_number_format
    try:
        sample = template.format(code=organisation.code, year=2000, serial=1)
    except (KeyError, IndexError, ValueError, AttributeError):
        raise ValidationError(
            f"机构“{organisation}”的索引号格式“{template}”无效：只能使用 {{code}}、{{year}}、{{serial}}。"
        ) from None
    if "{serial" not in template:
        raise ValidationError(f"机构“{organisation}”的索引号格式必须包含 {{serial}}（年度流水号），否则会重号。")
    if "{year" not in template:
        # The serial starts again each year, so without the year next year's numbers repeat this year's.
        raise ValidationError(f"机构“{organisation}”的索引号格式必须包含 {{year}}（发布年度），否则次年会重号。")
    if "{code" not in template:
        # Every organisation counts from 1: without its code, two townships' numbers are the same.
        raise ValidationError(
            f"机构“{organisation}”的索引号格式必须包含 {{code}}（机构代码），否则会与其他机构的索引号重号。"
        )
    if not organisation.code:
        raise ValidationError(f"机构“{organisation}”没有填写机构代码，无法生成索引号。")
    if len(sample) > Item._meta.get_field("index_number").max_length - 3:
        raise ValidationError(f"机构“{organisation}”的索引号格式生成的索引号太长。")
    return template


def _counter_locked(organisation: Organisation, year: int) -> IndexCounter:
    counters = IndexCounter.objects.select_for_update()
    try:
        return counters.get(organisation=organisation, year=year)
    except IndexCounter.DoesNotExist:
        try:
            with transaction.atomic():
                IndexCounter.objects.create(organisation=organisation, year=year)
        except IntegrityError:
            pass  # another publication created the year's counter first; lock theirs
        return counters.get(organisation=organisation, year=year)


def index_number_allocate(*, organisation: Organisation, year: int) -> str:
    """The next index number (索引号) of `organisation` for `year`, in its `index_number_format`.

    Guarantees: within one organisation and year the serials run 1, 2, 3, … with no
    repeat and no gap, also when several publications run at once: the counter row stays
    locked until the caller's transaction ends, and if that transaction rolls back its
    serial is given back with it. Must be called inside `transaction.atomic()`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("index_number_allocate must run inside the publishing transaction")
    template = _index_format_check(organisation)
    counter = _counter_locked(organisation, year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return template.format(code=organisation.code, year=year, serial=counter.last_serial)


def index_numbers_allocate(*, organisation: Organisation, year: int, count: int) -> list[str]:
    """The next ``count`` index numbers of `organisation` for `year`, with one counter update.

    The same guarantees as `index_number_allocate` (serials without repeat or gap, given
    back if the caller's transaction rolls back); for bulk imports. Must be called inside
    `transaction.atomic()`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("index_numbers_allocate must run inside the publishing transaction")
    if count <= 0:
        return []
    template = _index_format_check(organisation)
    counter = _counter_locked(organisation, year)
    first = counter.last_serial + 1
    counter.last_serial += count
    counter.save(update_fields=["last_serial"])
    return [template.format(code=organisation.code, year=year, serial=serial) for serial in range(first, first + count)]
