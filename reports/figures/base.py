"""The pieces a report is made of: display tables, sections and their registry.

`SECTIONS` lists the registered sections in order; `reports.figures` imports the built-in
ones first (published, timeliness, completeness, findings), and an app adds a later one
with `register_section` from its `ready()` or at import.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.figures.context import MonthContext

SCHEMA_VERSION = 1


@dataclass
class DisplayTable:
    """A table as every format shows it.

    `groups` is an optional header row above `columns`: (label, span) pairs covering
    all columns; a span-1 group with an empty label lets the column header below
    take both rows. Cells are str, int, datetime.date or None.
    """

    title: str
    columns: list[str]
    rows: list[list]
    groups: list[tuple[str, int]] | None = None
    note: str = ""

    def header_rows(self) -> list[list[tuple[str, int, int]]]:
        """Header rows as (label, colspan, rowspan) cells, for HTML."""
        if not self.groups:
            return [[(name, 1, 1) for name in self.columns]]
        top, bottom, column = [], [], 0
        for label, span in self.groups:
            if span == 1 and not label:
                top.append((self.columns[column], 1, 2))
            else:
                top.append((label, span, 1))
                bottom += [(name, 1, 1) for name in self.columns[column : column + span]]
            column += span
        return [top, bottom]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    compute: Callable[["MonthContext"], dict[int, dict]]
    tables: Callable[[dict], list[DisplayTable]]


SECTIONS: list[Section] = []


def register_section(section: Section) -> Section:
    if any(existing.key == section.key for existing in SECTIONS):
        raise ValueError(f"report section {section.key!r} is registered twice")
    SECTIONS.append(section)
    return section
