from catalog.models.calendar import CalendarDay, HolidayCalendarYear
from catalog.models.catalog import (
    Category,
    Channel,
    ColumnKind,
    Obligation,
    StandardArea,
    UncoveredArea,
    freshness_limits,
)
from catalog.models.guide import GUIDE_CONTENT_FIELDS, GuideVersion
from catalog.models.organisations import Organisation, Role, Staff

__all__ = [
    "GUIDE_CONTENT_FIELDS",
    "CalendarDay",
    "Category",
    "Channel",
    "ColumnKind",
    "GuideVersion",
    "HolidayCalendarYear",
    "Obligation",
    "Organisation",
    "Role",
    "Staff",
    "StandardArea",
    "UncoveredArea",
    "freshness_limits",
]
