"""Who may see and change which organisation's records.

Every scoped query in the admin and in services goes through these functions,
so the rule "a township's staff see only their township" lives in one place.
"""

from django.db.models import QuerySet

from catalog.models import Organisation, Role, Staff


def staff_of(user) -> Staff | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


def visible_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose records the user may read: their own and everything below it."""
    if user.is_superuser:
        return Organisation.objects.all()
    staff = staff_of(user)
    if staff is None:
        return Organisation.objects.none()
    return Organisation.objects.subtree(staff.organisation)


def editable_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose records the user may change.

    The county office reads everything below the county but writes nothing of a
    township's; a township's staff write within their township and its offices.
    """
    if user.is_superuser:
        return Organisation.objects.all()
    staff = staff_of(user)
    if staff is None or not staff.can_write:
        return Organisation.objects.none()
    if staff.organisation.kind == Organisation.Kind.COUNTY:
        # County staff other than the county office write only the county's own rows.
        return Organisation.objects.filter(pk=staff.organisation_id)
    return Organisation.objects.subtree(staff.organisation)


def has_role(user, role: Role | str, organisation: Organisation | None = None) -> bool:
    staff = staff_of(user)
    if staff is None or not staff.has_role(role):
        return False
    return organisation is None or organisation.pk == staff.organisation_id


def can_view(user, organisation_id: int | None) -> bool:
    return organisation_id is not None and visible_organisations(user).filter(pk=organisation_id).exists()


def can_edit(user, organisation_id: int | None) -> bool:
    return organisation_id is not None and editable_organisations(user).filter(pk=organisation_id).exists()
