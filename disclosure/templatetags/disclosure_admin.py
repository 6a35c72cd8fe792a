"""The staff home on the admin index page."""

from django import template
from django.urls import reverse
from django.utils import timezone

from catalog import access
from catalog.models import Organisation
from disclosure import queries
from township_portal.lib.panels import panels_for

register = template.Library()


@register.inclusion_tag("disclosure/admin/_staff_home.html", takes_context=True)
def staff_home(context):
    """My drafts, waiting for my review, due soon, overdue, open findings (a fixed number of queries)."""
    request = context["request"]
    return {
        "home": queries.staff_home(request.user),
        "reports_url": _reports_url(request.user),
        "panels": panels_for("staff_home", request.user, timezone.localdate()),
    }


def _reports_url(user) -> str:
    """Where the user's monthly reports (政务公开月报) are: the county office's board, or the township's list.

    Staff of an office (站所) and others without reports of their own get no link.
    """
    staff = access.staff_of(user)
    kind = staff.organisation.kind if staff is not None else None
    if user.is_superuser or (kind == Organisation.Kind.COUNTY and staff.is_county_office):
        return reverse("reports:board")
    if kind == Organisation.Kind.TOWNSHIP:
        return reverse("reports:index")
    return ""
