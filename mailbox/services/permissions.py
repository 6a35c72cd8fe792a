"""Who may see and act on a message: the township's staff, the assigned office's staff, the county office reading."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from catalog import access
from catalog.models import Role
from mailbox.models import Message

# A second person approves the answer and decides what is published: never an author alone.
DECIDING_ROLES = frozenset({Role.REVIEWER, Role.APPROVER, Role.ORG_ADMIN})


def visible_messages(user) -> QuerySet[Message]:
    """Messages of the user's organisations, and those assigned to an office the user works in."""
    if user.is_superuser:
        return Message.objects.all()
    visible = access.visible_organisations(user)
    return Message.objects.filter(Q(organisation__in=visible) | Q(office__in=visible))


def can_view_message(user, message: Message) -> bool:
    return user.is_superuser or visible_messages(user).filter(pk=message.pk).exists()


def can_handle(user, message: Message) -> bool:
    """Record, assign, draft, deliver: staff who write for the township or for the assigned office."""
    if user.is_superuser:
        return True
    return access.can_edit(user, message.organisation_id) or (
        message.office_id is not None and access.can_edit(user, message.office_id)
    )


def can_decide(user, message: Message) -> bool:
    """Approve an answer or publish: a reviewer, leader or administrator of the township itself."""
    if user.is_superuser:
        return True
    staff = access.staff_of(user)
    return (
        staff is not None
        and bool(staff.roles & DECIDING_ROLES)
        and access.can_edit(user, message.organisation_id)
        and staff.organisation.kind != staff.organisation.Kind.OFFICE
    )


def require(allowed: bool, reason: str = "您没有权限办理这条留言。") -> None:
    if not allowed:
        raise PermissionDenied(reason)
