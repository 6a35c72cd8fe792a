"""The staff home on the admin index page."""

from django import template

from disclosure import queries

register = template.Library()


@register.inclusion_tag("disclosure/admin/_staff_home.html", takes_context=True)
def staff_home(context):
    """My drafts, waiting for my review, due soon, overdue, open findings (a fixed number of queries)."""
    request = context["request"]
    return {"home": queries.staff_home(request.user)}
