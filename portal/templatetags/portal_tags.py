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


@register.tag
def frame_fragment(parser, token):
    """``{% frame_fragment key ... %}...{% endframe_fragment %}``: rendered once per frame and key.

    Only for what is made of the page's frame (the context's ``frame``: the body and its
    columns) and the key's values, such as the navigation or a column's breadcrumbs; anything
    else the body uses (the visitor, the display settings, the address) must not be inside.
    Each use is its own fragment. Without a frame, renders every time.
    """
    key = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endframe_fragment",))
    parser.delete_first_token()
    return FrameFragmentNode(nodelist, key)


class FrameFragmentNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        frame = context.get("frame")
        if frame is None:
            return self.nodelist.render(context)
        # The node itself names the use: a template loaded again (edited, in development) is a new one.
        key = (self, *(part.resolve(context) for part in self.key))
        return frame.fragment(key, lambda: self.nodelist.render(context))
