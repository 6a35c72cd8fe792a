"""What the staff pages of the monthly and the annual report share: the frame, and who may see whose."""

from django.contrib import admin
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from catalog.models import Organisation
from reports import access


def staff_render(request, template: str, context: dict, status: int = 200):
    """A page inside the admin's frame (header, breadcrumbs), without its navigation sidebar."""
    page = {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **context}
    return render(request, template, page, status=status)


def township_or_404(user, slug: str, *, missing: str) -> Organisation:
    """The township whose reports `user` may see; others get a 404 saying `missing`."""
    township = get_object_or_404(
        Organisation.objects.select_related("parent"), slug=slug, kind=Organisation.Kind.TOWNSHIP
    )
    if not access.can_view(user, township):
        raise Http404(missing)
    return township


def county_or_404(user, *, missing: str) -> Organisation:
    """The county whose office `user` works in; anyone else gets a 404 saying `missing`."""
    county = access.county_of_office(user)
    if county is None:
        raise Http404(missing)
    return county
