"""Who may act on an item: editors, roles, the review steps' people, the authors who never approve."""

import logging

from django.core.exceptions import PermissionDenied

from catalog import access
from catalog.models import Role
from disclosure.models import (
    Item,
    ItemRevision,
    Review,
    ReviewStep,
)

logger = logging.getLogger(__name__)


def _require_editor(by, item: Item) -> None:
    if by is None or not access.can_edit(by, item.organisation_id):
        raise PermissionDenied("您没有修改该机构公开信息的权限。")


def _roles(by, item: Item) -> set[str]:
    """The roles `by` holds for this item's organisation (none outside it)."""
    if by is None or not by.is_authenticated:
        return set()
    staff = access.staff_of(by)
    if staff is None or not access.can_edit(by, item.organisation_id):
        return set()
    return staff.roles


def _require_role(by, item: Item, roles: set[str], doing: str) -> None:
    if not _roles(by, item) & roles:
        names = "或".join(str(Role(role).label) for role in sorted(roles))
        raise PermissionDenied(f"只有本机构的{names}可以{doing}。")


def _check_can_review(by, item: Item, review: Review, step: ReviewStep) -> None:
    if step.role not in _roles(by, item):
        raise PermissionDenied(f"“{step.name}”环节只能由本机构的{Role(step.role).label}办理。")
    if by.pk in review.authors:
        raise PermissionDenied("起草或修改过本信息的人不能审核自己的信息。")
    if step.must_differ_from_previous and review.last_actor_id == by.pk:
        raise PermissionDenied(f"“{step.name}”环节须由与上一环节不同的人办理。")


def roles_for(by, item: Item) -> set[str]:
    """The roles `by` holds for this item's organisation; empty outside it (for showing buttons)."""
    return _roles(by, item)


def review_refusal(by, item: Item, review: Review | None, step: ReviewStep | None) -> str:
    """Why `by` may not decide at `step` now, or "" if they may (for showing buttons)."""
    if review is None or step is None:
        return "这条信息不在审核中。"
    try:
        _check_can_review(by, item, review, step)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def _open_review(item: Item, *, lock: bool = False) -> Review | None:
    queryset = Review.objects.filter(item=item, status=Review.Status.IN_REVIEW)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def _authors(item: Item, by) -> list[int]:
    """Everyone who wrote what is being submitted: they may not review it."""
    last_approved = (
        item.reviews.filter(status=Review.Status.APPROVED)
        .order_by("-revision__number")
        .values_list("revision__number", flat=True)
        .first()
        or 0
    )
    editors = item.revisions.filter(number__gt=last_approved, cause__in=ItemRevision.WRITING_CAUSES).values_list(
        "created_by", flat=True
    )
    return sorted({item.created_by_id, by.pk, *(pk for pk in editors if pk is not None)})
