"""What a reader of a PDF would notice: the fonts travel with the file, and a page prints ink."""

import io
import os
import re
import shutil
import subprocess
import tempfile

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _fonts(resources, seen: set) -> list:
    resources = _resolve(resources) or {}
    found = []
    for font in (_resolve(resources.get("/Font")) or {}).values():
        found.append(_resolve(font))
    for xobject in (_resolve(resources.get("/XObject")) or {}).values():
        xobject = _resolve(xobject)
        if id(xobject) not in seen and "/Resources" in xobject:
            seen.add(id(xobject))
            found += _fonts(xobject["/Resources"], seen)
    return found


def _descriptor(font):
    if font.get("/Subtype") == "/Type0":
        font = _resolve(font["/DescendantFonts"][0])
    return _resolve(font.get("/FontDescriptor"))


def font_report(data: bytes) -> dict[str, bool]:
    """Every font the pages use, by its base name: whether its glyphs are embedded in the file."""
    report = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in _fonts(page.get("/Resources"), set()):
            descriptor = _descriptor(font)
            report[str(font.get("/BaseFont"))] = bool(descriptor) and any(key in descriptor for key in FONT_FILES)
    return report


def assert_fonts_embedded(data: bytes) -> None:
    fonts = font_report(data)
    assert fonts, "the PDF uses no font at all"
    assert all(fonts.values()), f"fonts not embedded: {[name for name, ok in fonts.items() if not ok]}"


def non_white_pixels(data: bytes, *, page: int = 1) -> int:
    """How many pixels of a page, rendered by poppler at 40 dpi in grey, are not white."""
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is required in CI (apt-get install -y poppler-utils)")
        pytest.skip("pdftoppm not found (apt-get install -y poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "doc.pdf")
        with open(source, "wb") as handle:
            handle.write(data)
        subprocess.run(
            ["pdftoppm", "-f", str(page), "-l", str(page), "-r", "40", "-gray", source, os.path.join(folder, "p")],
            check=True,
            capture_output=True,
        )
        (image,) = [name for name in os.listdir(folder) if name.startswith("p")]
        with open(os.path.join(folder, image), "rb") as handle:
            pgm = handle.read()
    # Binary PGM: "P5\n<width> <height>\n<max>\n" then one byte a pixel.
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    width, height = int(header[1]), int(header[2])
    pixels = pgm[header.end() : header.end() + width * height]
    return sum(1 for value in pixels if value < 200)
