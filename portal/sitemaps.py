"""sitemap.xml: an index over home, column and item pages, split into files of PORTAL_SITEMAP_LIMIT URLs."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog.models import Category, Organisation
from disclosure.models import Item
from portal.frames import DISCLOSING_KINDS


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


class ItemSitemap(PortalSitemap):
    """Published items only; withdrawn ones leave the sitemap (their pages answer 410)."""

    def items(self):
        return (
            Item.objects.public()
            .filter(organisation__is_active=True)
            .select_related("organisation")
            .only("pk", "updated_at", "organisation__slug")
            .order_by("pk")
        )

    def location(self, item):
        return reverse("portal:item", args=[item.organisation.slug, item.pk])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pages": HomeSitemap, "columns": CategorySitemap, "items": ItemSitemap}
