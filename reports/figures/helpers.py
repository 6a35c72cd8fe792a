"""Small helpers the sections share: month/year-to-date pairs, dates in stored figures, total rows."""

import datetime

from django.utils import timezone


def _pair(month: int = 0, ytd: int = 0) -> dict:
    return {"month": month, "ytd": ytd}


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value is not None else None


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _total_row(label: str, rows: list[dict], first_columns: int = 1) -> list:
    return [label, *[""] * (first_columns - 1), sum(r["month"] for r in rows), sum(r["ytd"] for r in rows)]


MONTH_YTD_GROUPS = [("", 1), ("公开信息条数", 2)]
