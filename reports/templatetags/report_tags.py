import datetime

from django import template

register = template.Library()


@register.filter
def report_cell(value) -> str:
    """A table cell as text: dates as 2017-03-05, empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
