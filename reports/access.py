"""Who may read, prepare and decide on which monthly reports.

A township's own staff read its reports; its organisation administrator or approver
writes the narrative and submits. The county office reads every township of its
county, downloads, accepts and returns, and never writes a township's report.
Residents and everyone else see nothing (the views answer 404).
"""

from catalog.access import has_role, staff_of
from catalog.models import Organisation, Role


def reporting_townships(county: Organisation):
    """The organisations that report monthly to `county`: its active townships."""
    return Organisation.objects.active().townships().filter(parent=county).order_by("order", "name")


def county_of_office(user) -> Organisation | None:
    """The county whose board the user may open, or None."""
    staff = staff_of(user)
    if staff is not None and staff.is_county_office and staff.organisation.kind == Organisation.Kind.COUNTY:
        return staff.organisation
    if user.is_superuser:
        return Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("order", "pk").first()
    return None


def is_county_office_of(user, organisation: Organisation) -> bool:
    staff = staff_of(user)
    return (
        staff is not None
        and staff.is_county_office
        and organisation.parent_id is not None
        and organisation.parent_id == staff.organisation_id
    )


def can_view(user, organisation: Organisation) -> bool:
    if user.is_superuser:
        return True
    staff = staff_of(user)
    if staff is None:
        return False
    return staff.organisation_id == organisation.pk or is_county_office_of(user, organisation)


def can_prepare(user, organisation: Organisation) -> bool:
    """Writes the narrative and submits: the township's organisation administrator or approver."""
    return has_role(user, Role.ORG_ADMIN, organisation) or has_role(user, Role.APPROVER, organisation)


def can_decide(user, organisation: Organisation) -> bool:
    """Accepts or returns a submitted report: the county office of the township's county."""
    return is_county_office_of(user, organisation)
