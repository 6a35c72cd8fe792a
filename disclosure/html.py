"""The HTML an item's body may hold.

Staff paste from Word or WPS into the editor; what is stored is cleaned against one
allow-list (nh3, the Rust ammonia sanitiser): headings, paragraphs, lists, tables,
links and simple emphasis survive; scripts, event handlers, styles, classes, images
and any link that is not http(s), mailto or tel do not. The editor is configured from
the same list, so what staff can make is what is kept. Plain text of a body comes from
`township_portal.lib.pdf.html_to_text`.
"""

import re

import nh3

# The editor's extensions (django-prose-editor) and the tags they produce.
EDITOR_EXTENSIONS = {
    "Heading": {"levels": [1, 2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "History": True,
}

ALLOWED_TAGS = frozenset(
    {
        *(f"h{level}" for level in range(1, 7)),
        "p",
        "br",
        "hr",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "a",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    # Word pastes carry <style> and <script>-like blocks whose text must go too, not only the tags.
    clean_content_tags={"script", "style", "xml", "title", "head", "template", "textarea", "select"},
    strip_comments=True,
)
_EMPTY_DOCUMENT_RE = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")


def sanitize_body(value: str) -> str:
    """The body as it may be stored and shown: allow-listed tags and attributes only."""
    cleaned = _cleaner.clean(value or "").strip()
    # The editor always leaves an empty paragraph behind; an empty body is an empty string.
    return "" if _EMPTY_DOCUMENT_RE.match(cleaned) else cleaned
