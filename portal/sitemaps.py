"""sitemap.xml: an index over home, column and item pages, split into files of PORTAL_SITEMAP_LIMIT URLs.

Item pages are cut by ranges of ids, not by Django's paginator (a COUNT of every item,
then OFFSET): the index needs the first and last id (two index probes), and page n is
one range scan of the primary key. A range may hold fewer URLs than the limit (drafts
and withdrawn items leave gaps), never more. The index's lastmod is the newest public
change (``search.queries.last_changed``), so no item is loaded to build it; each item
page is written as plain XML, without a template (10,000 URLs per page).
"""

from functools import cached_property
from types import SimpleNamespace
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models.functions import TruncDate
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from catalog.models import Category, Organisation
from disclosure.models import Item
from portal.frames import DISCLOSING_KINDS
from search.queries import last_changed


class PortalSitemap(Sitemap):
    @property
    def limit(self):
        return settings.PORTAL_SITEMAP_LIMIT


class HomeSitemap(PortalSitemap):
    changefreq = "daily"

    def items(self):
        bodies = Organisation.objects.active().filter(kind__in=DISCLOSING_KINDS).exclude(kind=Organisation.Kind.COUNTY)
        return [None, *bodies.order_by("order", "pk").only("slug")]

    def location(self, organisation):
        if organisation is None:
            return reverse("portal:county_home")
        return reverse("portal:township_home", args=[organisation.slug])


class CategorySitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Category.objects.filter(
                is_active=True, organisation__is_active=True, organisation__kind__in=DISCLOSING_KINDS
            )
            .select_related("organisation")
            .only("code", "organisation__slug")
            .order_by("pk")
        )

    def location(self, category):
        return reverse("portal:category", args=[category.organisation.slug, category.code])


class KeyRanges:
    """Pages of ``limit`` consecutive ids from the first item's id (Django's Paginator interface)."""

    def __init__(self, limit: int):
        self.limit = limit

    @cached_property
    def bounds(self) -> tuple[int | None, int | None]:
        ids = Item.objects.values_list("pk", flat=True)
        return ids.order_by("pk").first(), ids.order_by("-pk").first()

    @cached_property
    def num_pages(self) -> int:
        first, last = self.bounds
        return 1 if first is None else (last - first) // self.limit + 1

    def page(self, number) -> SimpleNamespace:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("页码不是整数。") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("没有这一页。")
        first = self.bounds[0] or 0
        low = first + (number - 1) * self.limit
        rows = (
            Item.objects.public()
            .filter(organisation__is_active=True, pk__gte=low, pk__lt=low + self.limit)
            .order_by("pk")
            .values_list("pk", "organisation__slug", TruncDate("updated_at", tzinfo=timezone.get_current_timezone()))
        )
        return SimpleNamespace(object_list=rows)


class ItemSitemap(PortalSitemap):
    """Published items only; withdrawn ones leave the sitemap (their pages answer 410)."""

    @cached_property
    def paginator(self):
        return KeyRanges(self.limit)

    def get_latest_lastmod(self):
        return last_changed()


SITEMAPS = {"pages": HomeSitemap, "columns": CategorySitemap, "items": ItemSitemap}


@require_safe
def section(request, section):
    """One sitemap file; the item pages are written directly (a template per URL took 50 µs)."""
    if section != "items":
        return sitemap_views.sitemap(request, SITEMAPS, section=section)
    try:
        rows = ItemSitemap().paginator.page(request.GET.get("p", 1)).object_list
    except (EmptyPage, PageNotAnInteger):
        raise Http404("没有这一页。") from None
    origin = escape(request.build_absolute_uri("/")[:-1])
    # The item URL with placeholders, reversed once (the slug pattern allows no "{").
    pattern = escape(reverse("portal:item", args=["SLUG", 0])).replace("SLUG", "{}").replace("/0/", "/{}/")
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for pk, slug, day in rows:
        parts.append(f"<url><loc>{origin}{pattern.format(slug, pk)}</loc><lastmod>{day.isoformat()}</lastmod></url>")
    parts.append("</urlset>\n")
    response = HttpResponse("\n".join(parts), content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
