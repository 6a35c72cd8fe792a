"""QR codes that point a phone at a page of the portal.

``qr_svg`` is inline markup for ``{{ svg|safe }}`` (no external resources, so
it also works in print and offline copies); ``qr_svg_file`` is the same code as
an image of its own (the item page's ``<img>``); ``qr_png`` is for downloads and
for placing on PDFs.
"""

import io
from xml.sax.saxutils import quoteattr

import segno

# Medium error correction survives a printed notice getting scuffed on a
# bulletin board; segno raises it further when the URL leaves room.
_ERROR = "m"


def _make(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=_ERROR)


def qr_svg(url: str, *, title: str = "", scale: int = 4) -> str:
    """An accessible inline <svg> of the QR code for url.

    ``title`` is read by screen readers (as <title> and aria-label); it
    defaults to 二维码：<url>. The SVG has a viewBox, so CSS can resize it.
    """
    label = title or f"二维码：{url}"
    # A white quiet zone keeps the code scannable on a tinted or dark page.
    svg = _make(url).svg_inline(scale=scale, unit="px", light="#fff", title=label, svgclass="qr", lineclass=None)
    # segno has no option for ARIA attributes; add them on the root element.
    return svg.replace("<svg ", f'<svg role="img" aria-label={quoteattr(label)} ', 1)


def qr_svg_file(url: str, *, title: str, scale: int = 4) -> bytes:
    """A standalone SVG document (image/svg+xml) of the QR code for url, titled for screen readers."""
    buffer = io.BytesIO()
    _make(url).save(
        buffer,
        kind="svg",
        scale=scale,
        unit="px",
        light="#fff",
        title=title,
        xmldecl=False,
        svgclass=None,
        lineclass=None,
    )
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """A PNG of the QR code for url, ``scale`` pixels per module, quiet zone included."""
    buffer = io.BytesIO()
    _make(url).save(buffer, kind="png", scale=scale)
    return buffer.getvalue()
