from catalog.models.catalog import Category, Channel, ColumnKind, Obligation
from catalog.models.organisations import Organisation, Role, Staff

__all__ = ["Category", "Channel", "ColumnKind", "Obligation", "Organisation", "Role", "Staff"]
