"""The pages the hostile-input tests visit, built from the `world` fixture (tests/hostile/conftest.py)."""

from django.urls import reverse


def public_pages(world) -> list[str]:
    """Every public page a resident reaches without a secret: the portal, the mailbox, applications."""
    return [*portal_pages(world), *mailbox_pages(world), *application_pages(world)]


def portal_pages(world) -> list[str]:
    item = world["published"]
    slug = item.organisation.slug
    return [
        "/",
        f"/{slug}/",
        f"/{slug}/category/{world['category'].code}/",
        f"/{slug}/category/0101/",
        f"/{slug}/items/{item.pk}/",
        f"/{slug}/items/{item.pk}/print/",
        f"/{slug}/items/{item.pk}/notice/",
        f"/{slug}/catalog/",
        f"/{slug}/guide/",
        f"/{slug}/feed/",
        "/search/",
        "/display/",
        "/sitemap.xml",
    ]


def mailbox_pages(world) -> list[str]:
    """Write a letter, its confirmation, look a letter up, the public letters and one of them."""
    slug = world["letter"].organisation.slug
    return [
        reverse("mailbox:write", args=[slug]),
        reverse("mailbox:sent", args=[slug]),
        reverse("mailbox:status"),
        reverse("mailbox:public_list", args=[slug]),
        reverse("mailbox:public_detail", args=[slug, world["letter"].number]),
    ]


def application_pages(world) -> list[str]:
    """The /apply/ chooser, the apply form, the receipt and the status lookup."""
    slug = world["application"].organisation.slug
    return [
        reverse("applications:choose"),
        reverse("applications:apply", args=[slug]),
        reverse("applications:receipt"),
        reverse("applications:status"),
    ]
