"""Atom feeds of the newest published items: per township (or department) and per column."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from disclosure.models import Item
from portal.frames import load_frame
from township_portal.lib.pdf import html_to_text


class TownshipFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return load_frame(request, slug), None

    def title(self, obj):
        frame, column = obj
        name = f"{frame.organisation.name}政府信息公开"
        return f"{name} · {column.name}" if column else name

    def subtitle(self, obj):
        return f"{self.title(obj)}：最新主动公开的政府信息"

    def link(self, obj):
        frame, column = obj
        if column:
            return reverse("portal:category", args=[frame.organisation.slug, column.code])
        return reverse("portal:township_home", args=[frame.organisation.slug])

    def items(self, obj):
        frame, column = obj
        items = Item.objects.public().select_related("organisation", "publisher", "category")
        if column:
            items = items.filter(category_id__in=frame.subtree_ids(column))
        else:
            items = items.filter(organisation=frame.organisation)
        return items.order_by("-published_at", "-pk")[: settings.PORTAL_FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or Truncator(html_to_text(item.body)).chars(200)

    def item_link(self, item):
        return reverse("portal:item", args=[item.organisation.slug, item.pk])

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return item.publisher.name

    def item_categories(self, item):
        return [item.category.name]


class CategoryFeed(TownshipFeed):
    def get_object(self, request, slug, code):
        frame = load_frame(request, slug)
        return frame, frame.category(code)
