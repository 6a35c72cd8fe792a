"""Read-only questions the staff pages ask: the staff home, lateness, what a person may do next.

Each function runs a fixed number of queries whatever the number of items.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog import access
from catalog.calendar import CalendarMissingError, work_calendar
from catalog.models import Role
from disclosure.models import Item, ItemRevision, PersonalDataFinding, Review

HOME_LIMIT = 10
# How many review candidates are read to drop those the person wrote (a JSON list SQLite cannot search).
REVIEW_SCAN_LIMIT = 200


@dataclass
class HomeSection:
    title: str
    rows: list
    total: int
    empty: str
    link: str = ""


@dataclass
class StaffHome:
    sections: list[HomeSection] = field(default_factory=list)
    calendar_missing: str = ""


def staff_home(user, *, today: date | None = None) -> StaffHome:
    """The staff home's five lists for the user's organisations, each with its total.

    My drafts; waiting for my review (steps of my roles, not written by me, not the step
    after my own where that must differ; emergency publications awaiting an approver);
    due in the next few working days; overdue; open personal-data findings.
    """
    today = today or timezone.localdate()
    home = StaffHome()
    visible = access.visible_organisations(user)
    items = Item.objects.filter(organisation__in=visible).select_related("organisation", "category", "review_step")

    drafts = items.filter(created_by=user, status=Item.Status.DRAFT).order_by("-updated_at")
    home.sections.append(
        HomeSection("我的草稿", list(drafts[:HOME_LIMIT]), drafts.count(), "没有草稿。", "?status__exact=draft")
    )

    waiting = _waiting_for(user)
    home.sections.append(HomeSection("等待我审核", waiting[:HOME_LIMIT], len(waiting), "没有需要您办理的审核。"))

    try:
        calendar = work_calendar()
        horizon = calendar.add_workdays(today, settings.DUE_SOON_WORKDAYS)
    except CalendarMissingError as exc:
        calendar, horizon = None, None
        home.calendar_missing = str(exc)
    if horizon is not None:
        due_soon = items.unpublished().filter(due_on__gte=today, due_on__lte=horizon).order_by("due_on", "pk")
        rows = list(due_soon[:HOME_LIMIT])
        home.sections.append(
            HomeSection(f"{settings.DUE_SOON_WORKDAYS}个工作日内到期", rows, due_soon.count(), "近期没有到期的信息。")
        )
    overdue = items.unpublished().filter(due_on__lt=today).order_by("due_on", "pk")
    rows = list(overdue[:HOME_LIMIT])
    for item in rows:
        item.overdue_workdays = _workdays_between(calendar, item.due_on, today)
    home.sections.append(
        HomeSection("已超期未发布", rows, overdue.count(), "没有超期未发布的信息。", "?timeliness=overdue")
    )

    findings = (
        PersonalDataFinding.objects.filter(item__organisation__in=visible, status=PersonalDataFinding.Status.OPEN)
        .exclude(item__status=Item.Status.WITHDRAWN)
        .select_related("item")
        .order_by("-found_at", "-pk")
    )
    home.sections.append(
        HomeSection("未处理的个人信息/敏感词", list(findings[:HOME_LIMIT]), findings.count(), "没有未处理的检查结果。")
    )
    return home


def _workdays_between(calendar, start: date, end: date) -> int | None:
    if calendar is None:
        return None
    try:
        return calendar.workdays_between(start, end)
    except CalendarMissingError:
        return None


def _waiting_for(user) -> list[Item]:
    staff = access.staff_of(user)
    if staff is None:
        return []
    roles = staff.roles & {Role.REVIEWER, Role.APPROVER, Role.ORG_ADMIN}
    editable = access.editable_organisations(user)
    reviews = (
        Review.objects.filter(
            status=Review.Status.IN_REVIEW,
            item__organisation__in=editable,
            item__review_step__role__in=roles,
        )
        .exclude(item__created_by=user)
        .exclude(Q(item__review_step__must_differ_from_previous=True) & Q(last_actor=user))
        .select_related("item__organisation", "item__category", "item__review_step")
        .order_by("submitted_at", "pk")[:REVIEW_SCAN_LIMIT]
    )
    waiting = [review.item for review in reviews if user.pk not in review.authors]
    if Role.APPROVER in roles:
        # The same people `item_emergency_confirm` refuses: the emergency publisher and every writer.
        emergencies = (
            Item.objects.filter(organisation__in=editable, is_emergency=True, emergency_confirmed_by__isnull=True)
            .exclude(emergency_published_by=user)
            .exclude(created_by=user)
            .exclude(Exists(_written_since_approval(user)))
            .select_related("organisation", "category", "review_step")
            .order_by("published_at")[:REVIEW_SCAN_LIMIT]
        )
        waiting.extend(emergencies)
    return waiting


def _written_since_approval(user):
    """Revisions `user` wrote of an item (OuterRef) since its last approved review (as `services._authors`)."""
    last_approved = (
        Review.objects.filter(item=OuterRef(OuterRef("pk")), status=Review.Status.APPROVED)
        .order_by("-revision__number")
        .values("revision__number")[:1]
    )
    return ItemRevision.objects.filter(
        item=OuterRef("pk"),
        created_by=user,
        cause__in=ItemRevision.WRITING_CAUSES,
        number__gt=Coalesce(Subquery(last_approved), 0),
    )


def lateness_label(item: Item, *, today: date | None = None) -> str:
    """How late an item is or was, in words (no query)."""
    if item.status in (Item.Status.PUBLISHED, Item.Status.WITHDRAWN):
        if item.late_workdays:
            return f"逾期 {item.late_workdays} 个工作日发布"
        if item.late_days:
            return f"逾期 {item.late_days} 天发布"
        return ""
    today = today or timezone.localdate()
    if item.due_on is not None and item.due_on < today:
        return f"已超期（应于 {item.due_on:%Y-%m-%d} 前发布）"
    return ""
