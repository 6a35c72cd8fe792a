from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

FILE_KINDS = {
    "application/pdf": "PDF",
    "application/ofd": "OFD",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "image/jpeg": "JPEG图片",
    "image/png": "PNG图片",
    "image/gif": "GIF图片",
    "image/webp": "WebP图片",
}


@register.simple_tag
def optional_url(name, *args):
    """The URL of a page another part of the portal provides, or '' while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def file_kind(attachment):
    """A resident's name for the file type: PDF, Word, Excel, ... (else the extension)."""
    kind = FILE_KINDS.get(attachment.content_type)
    if kind:
        return kind
    name = attachment.original_name
    return name.rsplit(".", 1)[-1].upper() if "." in name else "文件"


@register.simple_tag
def item_url(entry):
    """The canonical page of an item or search entry (whose pk is the item's)."""
    return reverse("portal:item", args=[entry.organisation.slug, entry.pk])
