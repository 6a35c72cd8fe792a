"""Two known years for 双溪乡: 2024 and 2025.

Applications (from `APPLICATIONS`, a small table standing in for the applications app,
registered as an annual-report source the way that app registers its own):

    2024: A1 自然人 received 03-01, disclosed 03-20; A2 商业企业 05-10, partial 06-01;
          A3 科研机构 12-20, closed 2025-01-15 refused (4 保护第三方合法权益) — carried over;
          A4 自然人 12-28, closed 2025-01-20 unable (1 本机关不掌握) — carried over.
    2025: B1 社会公益组织 02-01 disclosed; B2 法律服务机构 04-01 not processed (2 重复申请);
          B3 其他 06-01 other (1 逾期不补正); B4 自然人 07-01 partial;
          B5 自然人 12-25 still open; B6 商业企业 12-29 closed 2026-01-05 — both carried into 2026.
    Remedies: 2024 one 行政复议 corrected; 2025 one 行政复议 upheld, one direct lawsuit pending.
    Fees: 2025 100 元.

Items (document kinds): 行政规范性文件 N1 (2024-03, in force), N2 (2024-06, repealed 2025-05-01),
N3 (2025-02, in force), N4 (2025-08, repealed 2025-11-10); 规章 R1 (2025-09); and two news items
in 2025 (one on the website and the bulletin board), one in 2024.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from annual import services
from annual.models import EnteredFigure
from catalog.models import Category, Channel
from disclosure.models import Item, ItemChannel
from tests.conftest import PASSWORD
from township_portal.lib import annual as annual_lib


@dataclass
class Application:
    kind: str
    received: str
    closed: str | None = None
    outcome: str | None = None


APPLICATIONS = [
    Application("natural", "2024-03-01", "2024-03-20", "disclosed"),
    Application("business", "2024-05-10", "2024-06-01", "partial"),
    Application("research", "2024-12-20", "2025-01-15", "refused_4"),
    Application("natural", "2024-12-28", "2025-01-20", "unable_1"),
    Application("public_interest", "2025-02-01", "2025-02-20", "disclosed"),
    Application("legal_service", "2025-04-01", "2025-04-25", "not_processed_2"),
    Application("other", "2025-06-01", "2025-06-30", "other_1"),
    Application("natural", "2025-07-01", "2025-07-21", "partial"),
    Application("natural", "2025-12-25"),
    Application("business", "2025-12-29", "2026-01-05", "disclosed"),
]
REMEDIES = [(2024, "review", "corrected"), (2025, "review", "upheld"), (2025, "lawsuit_direct", "pending")]
FEES = {2025: Decimal("100")}


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def table_source(applications, *, organisation_id_of):
    """An annual source over a list of applications, computed the way the format counts."""

    def source(*, organisation_ids, year):
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        result = {}
        for oid in organisation_ids:
            if oid != organisation_id_of():
                continue
            figures = annual_lib.AnnualFigures()
            for app in applications:
                received, closed = _day(app.received), _day(app.closed)
                if start <= received <= end:
                    figures.received[app.kind] = figures.received.get(app.kind, 0) + 1
                if received < start and (closed is None or closed >= start):
                    figures.carried_in[app.kind] = figures.carried_in.get(app.kind, 0) + 1
                if closed is not None and start <= closed <= end:
                    row = figures.outcomes.setdefault(app.outcome, {})
                    row[app.kind] = row.get(app.kind, 0) + 1
                if received <= end and (closed is None or closed > end):
                    figures.carried_out[app.kind] = figures.carried_out.get(app.kind, 0) + 1
            for remedy_year, kind, outcome in REMEDIES:
                if remedy_year == year:
                    row = figures.remedies.setdefault(kind, {})
                    row[outcome] = row.get(outcome, 0) + 1
            figures.fees_yuan = FEES.get(year, Decimal("0"))
            result[oid] = figures
        return result

    return source


@pytest.fixture
def applications(monkeypatch, shuangxi):
    """The list the test source reads; tests may append to it (a late-entered application)."""
    table = list(APPLICATIONS)
    monkeypatch.setitem(
        annual_lib._SOURCES, "test-applications", table_source(table, organisation_id_of=lambda: shuangxi.pk)
    )
    return table


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


@pytest.fixture
def columns(shuangxi):
    make = Category.objects.create
    return {
        "policy": make(organisation=shuangxi, code="01", name="政策文件", order=1),
        "news": make(organisation=shuangxi, code="02", name="工作动态", order=2),
        "annual": make(organisation=shuangxi, code="03", name="年度报告", order=3),
    }


@pytest.fixture
def make_item(author):
    serial = iter(range(1, 1000))

    def make(category, published: str, *, kind=Item.DocumentKind.OTHER, repealed=None, channels=(), withdrawn=None):
        number = next(serial)
        item = Item.objects.create(
            organisation=category.organisation,
            category=category,
            publisher=category.organisation,
            title=f"{category.name}{number}",
            written_on=_day(published),
            document_kind=kind,
            status=Item.Status.WITHDRAWN if withdrawn else Item.Status.PUBLISHED,
            published_at=at(published),
            index_number=f"test/{number:05d}",
            validity=Item.Validity.REPEALED if repealed else Item.Validity.VALID,
            repealed_on=_day(repealed),
            withdrawn_at=at(withdrawn) if withdrawn else None,
            withdrawal_reason="发布有误" if withdrawn else "",
            created_by=author,
        )
        for channel in channels:
            ItemChannel.objects.create(item=item, channel=channel, posted_on=_day(published), recorded_by=author)
        return item

    return make


@pytest.fixture
def items(columns, make_item):
    normative = Item.DocumentKind.NORMATIVE
    return {
        "N1": make_item(columns["policy"], "2024-03-05", kind=normative),
        "N2": make_item(columns["policy"], "2024-06-05", kind=normative, repealed="2025-05-01"),
        "news2024": make_item(columns["news"], "2024-09-01"),
        "N3": make_item(columns["policy"], "2025-02-10", kind=normative),
        "N4": make_item(columns["policy"], "2025-08-10", kind=normative, repealed="2025-11-10"),
        "R1": make_item(columns["policy"], "2025-09-01", kind=Item.DocumentKind.REGULATION),
        "newsA": make_item(columns["news"], "2025-03-15", channels=[Channel.WEBSITE, Channel.BULLETIN_BOARD]),
        "newsB": make_item(columns["news"], "2025-10-20", channels=[Channel.WEBSITE]),
    }


ENTERED_2024 = {
    EnteredFigure.Key.PERMITS: (Decimal("12"), "县行政审批局系统导出"),
    EnteredFigure.Key.PENALTIES: (Decimal("3"), "乡综合执法队台账"),
    EnteredFigure.Key.ENFORCEMENT: (Decimal("0"), "乡综合执法队台账"),
    EnteredFigure.Key.FEES: (Decimal("1.25"), "乡财政所收费台账"),
}
ENTERED_2025 = {
    EnteredFigure.Key.PERMITS: (Decimal("15"), "县行政审批局系统导出（2026-01-08）"),
    EnteredFigure.Key.PENALTIES: (Decimal("4"), "乡综合执法队台账"),
    EnteredFigure.Key.ENFORCEMENT: (Decimal("1"), "乡综合执法队台账"),
    EnteredFigure.Key.FEES: (Decimal("0.8"), "乡财政所收费台账"),
}
NARRATIVE = {
    "overview_proactive": "主动公开情况。",
    "overview_applications": "依申请公开情况。",
    "overview_management": "政府信息管理情况。",
    "overview_platform": "平台建设情况。",
    "overview_supervision": "监督保障情况。",
    "problems": "存在问题。",
    "other_matters": "其他事项。",
}


@pytest.fixture
def fill(org_admin, shuangxi):
    """Save the narrative and the entered figures of a year."""

    def do(year: int, entered=None):
        return services.annual_save(
            organisation=shuangxi,
            year=year,
            by=org_admin,
            narrative=NARRATIVE,
            entered=entered if entered is not None else (ENTERED_2024 if year == 2024 else ENTERED_2025),
        )

    return do


@pytest.fixture
def submitted_2024(applications, items, fill, org_admin, shuangxi):
    fill(2024)
    return services.annual_submit(organisation=shuangxi, year=2024, by=org_admin, at=at("2025-01-20"))


def login(client, user):
    assert client.login(username=user.get_username(), password=PASSWORD)
    return client
