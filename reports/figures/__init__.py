"""The figures of a monthly report, computed from the records in the database.

A report is made of sections registered in `SECTIONS`, in order. Each section
computes its figures for many organisations at once (so a county-wide month costs
the same few queries as one township's) and turns its stored figures into display
tables that every format (web page, XLSX, CSV, PDF) lays out the same way. A later
section, such as applications (依申请公开), is added with `register_section` and
appears in every format and in the JSON without touching the others.

An item counts for a period when it was published in the period and still stood
at the period's end: withdrawn later, it still counts for the month it went out,
so recomputing an old month gives the same answer as on the day it ended.

Where each part lives (everything is imported from `reports.figures`):

- `base`: `DisplayTable`, `Section`, the `SECTIONS` registry, `register_section`, `SCHEMA_VERSION`;
- `context`: `MonthContext`, the queries sections share for one month, and `COUNT_KEYS`;
- `helpers`: small helpers the sections share (month/year-to-date pairs, dates, total rows);
- `published`, `timeliness`, `completeness`, `findings`: one built-in section each, its
  figures, its display tables and its registration;
- `narrative`: the narrative fields (工作情况) and `numbered` for section titles;
- this module: `compute_figures`, `section_tables` and `headline`, over every registered section.

Section modules import from `base`, `context` and `helpers`, never from this module.
"""

import datetime

from django.utils import timezone

from catalog.models import Organisation
from reports.figures.base import SCHEMA_VERSION, SECTIONS, DisplayTable, Section, register_section
from reports.figures.context import COUNT_KEYS, MonthContext
from reports.figures.helpers import MONTH_YTD_GROUPS
from reports.figures.narrative import CHINESE_NUMERALS, NARRATIVE_FIELDS, NARRATIVE_TITLE, numbered
from reports.months import Month

# The built-in sections register on import, in this order, before any app adds its own: the
# order of `SECTIONS` is the order of the report. The sorted imports above must not reach a
# section module; these are kept out of import sorting.
# isort: off
import reports.figures.published
import reports.figures.timeliness
import reports.figures.completeness
import reports.figures.findings  # noqa: F401 - the four bind `reports`, counted unused once
from reports.figures.completeness import INSPECTION_EMPTY_LIMIT, INSPECTION_IDLE_LIMIT

# isort: on

__all__ = [
    "CHINESE_NUMERALS",
    "COUNT_KEYS",
    "INSPECTION_EMPTY_LIMIT",
    "INSPECTION_IDLE_LIMIT",
    "MONTH_YTD_GROUPS",
    "NARRATIVE_FIELDS",
    "NARRATIVE_TITLE",
    "SCHEMA_VERSION",
    "SECTIONS",
    "DisplayTable",
    "MonthContext",
    "Section",
    "compute_figures",
    "headline",
    "numbered",
    "register_section",
    "section_tables",
]


def compute_figures(organisations: list[Organisation], month: Month) -> dict[int, dict]:
    """The figures of `month` for each organisation, keyed by its id; a fixed number of queries."""
    context = MonthContext(organisations, month)
    computed_at = timezone.now().isoformat()
    results = {
        organisation.pk: {
            "schema_version": SCHEMA_VERSION,
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "short_name": organisation.short_name,
                "code": organisation.code,
            },
            "month": str(month),
            "period": {
                "first_day": month.first_day.isoformat(),
                "last_day": month.last_day.isoformat(),
                "year_from": datetime.date(month.year, 1, 1).isoformat(),
            },
            "computed_at": computed_at,
            "sections": {},
        }
        for organisation in organisations
    }
    for section in SECTIONS:
        per_organisation = section.compute(context)
        for organisation_id, figures in results.items():
            figures["sections"][section.key] = {"title": section.title, **per_organisation[organisation_id]}
    return results


def section_tables(figures: dict) -> list[tuple[str, list[DisplayTable]]]:
    """(section title, tables) for every registered section present in stored figures."""
    stored = figures.get("sections", {})
    return [(section.title, section.tables(stored[section.key])) for section in SECTIONS if section.key in stored]


def headline(figures: dict) -> dict:
    """The few numbers the county office's board shows for each township."""
    sections = figures["sections"]
    published = sections["published"]
    timeliness = sections["timeliness"]
    completeness = sections["completeness"]
    return {
        "month": published["total"]["month"],
        "ytd": published["total"]["ytd"],
        "minimum": published["minimum"]["required"],
        "minimum_met": published["minimum"]["met"],
        "late": timeliness["late"]["month"],
        "overdue": timeliness["overdue"]["count"],
        "missed_obligations": completeness["counts"]["missed_obligations"],
        "idle_columns": completeness["counts"]["idle_columns"],
        "empty_columns": completeness["counts"]["empty_columns"],
    }
