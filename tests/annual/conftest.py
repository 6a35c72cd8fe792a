"""Two known years for 双溪乡: 2024 and 2025.

Applications, filed and handled through the applications app's own services (registered,
corrected, consulted, charged, answered by one person and approved by another, delivered),
each step on its own day, so the real `applications` annual source is what is counted:

    2024: A1 自然人 received 03-01, disclosed 03-20; A2 商业企业 05-10, partial 06-01;
          A3 科研机构 12-20 (third party asked 12-23), closed 2025-01-15 refused
          (4 保护第三方合法权益) — carried over;
          A4 自然人 12-28, closed 2025-01-20 unable (1 本机关不掌握) — carried over.
    2025: B1 社会公益组织 02-01 (fee of 100 元 notified 02-05, paid 02-10) disclosed 02-20;
          B2 法律服务机构 04-01 not processed (2 重复申请) 04-25;
          B3 其他 06-01 (补正 asked 06-03 by 06-20, never given) other (1 逾期不补正) 06-30;
          B4 自然人 07-01 partial 07-21;
          B5 自然人 12-25 still open; B6 商业企业 12-29 closed 2026-01-05 — both carried into 2026.
    Remedies: 2024 one 行政复议 on A2, filed 06-20, corrected 09-10; 2025 one 行政复议 on A4,
    filed 02-15, upheld 04-30; one direct lawsuit on B2, filed 06-10, pending.
    Fees: 2025 100 元.

Items (document kinds): 行政规范性文件 N1 (2024-03, in force), N2 (2024-06, repealed 2025-05-01),
N3 (2025-02, in force), N4 (2025-08, repealed 2025-11-10); 规章 R1 (2025-09); and two news items
in 2025 (one on the website and the bulletin board), one in 2024.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from annual import services
from annual.models import EnteredFigure
from applications import services as applications_services
from catalog.models import Category, Channel
from disclosure.models import Item, ItemChannel
from tests.applications.conftest import USCC, applicant
from tests.conftest import PASSWORD

# Who applies, per applicant kind: a person, or an organisation with its credit code and contact.
APPLICANTS = {
    "natural": {},
    **{
        kind: {
            "applicant_kind": kind,
            "applicant_name": name,
            "id_type": "uscc",
            "id_number": USCC,
            "contact_person": "刘文",
        }
        for kind, name in [
            ("business", "上犹县双溪农旅发展有限公司"),
            ("research", "赣南农业科学研究所"),
            ("public_interest", "上犹县乡村振兴促进会"),
            ("legal_service", "江西章水律师事务所"),
            ("other", "双溪乡大石门村股份经济合作社"),
        ]
    },
}
# What each outcome's answer must carry (Art. 36): a legal basis, or who holds the information.
ANSWER_DETAILS = {
    "partial": {"legal_basis": "《中华人民共和国政府信息公开条例》第三十七条"},
    "refused_4": {"legal_basis": "《中华人民共和国政府信息公开条例》第十五条、第三十二条"},
    "unable_1": {"holder_name": "上犹县住房和城乡建设局"},
    "not_processed_2": {"legal_basis": "《中华人民共和国政府信息公开条例》第三十六条第（六）项"},
}


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


class Applications:
    """Files applications for 双溪乡 through the applications app, each step on its own day."""

    def __init__(self, *, organisation, author, approver):
        self.organisation, self.author, self.approver = organisation, author, approver
        self.cases = {}

    def add(self, name, kind, received, *, closed=None, outcome=None, before_closing=()):
        """Register one application received on `received`; run `before_closing` steps (day, method);
        on `closed`, answer it with `outcome` (drafted by the author, approved by the approver,
        delivered the same day) or, for 其他处理（一）, close it as an uncorrected application."""
        application, _code = applications_services.application_register(
            organisation=self.organisation,
            by=self.author,
            channel="letter",
            received_on=_day(received),
            details=applicant(**APPLICANTS[kind]),
            at=at(received),
        )
        for day, step in before_closing:
            step(application, _day(day))
        if closed is not None:
            self._close(application, outcome, closed)
        application.refresh_from_db()
        self.cases[name] = application
        return application

    def _close(self, application, outcome, day):
        """Close on `day`: services that date a step "now" are given that moment (`at=`)."""
        if outcome == "other_1":
            applications_services.correction_lapse(application=application, by=self.author, at=at(day))
            return
        answer = applications_services.answer_draft(
            application=application,
            by=self.author,
            outcome=outcome,
            explanation="经查，现答复如下。",
            at=at(day, 9),
            **ANSWER_DETAILS.get(outcome, {}),
        )
        applications_services.answer_approve(answer=answer, by=self.approver, at=at(day))
        applications_services.answer_deliver(application=application, by=self.author, means="post", on=_day(day))

    # Steps on the way: each is called with the application and the day it happens.
    def third_party(self, app, day):
        applications_services.third_party_consult(
            application=app, by=self.author, party="双溪乡某种养专业合作社", on=day
        )

    def third_party_reply(self, app, day):
        applications_services.third_party_reply(application=app, by=self.author, on=day, note="不同意公开。")

    def correction(self, app, day):
        applications_services.correction_send(
            application=app,
            by=self.author,
            missing="请写明所需信息的年份和村组。",
            until=day + datetime.timedelta(days=17),
            on=day,
        )

    def fee(self, app, day):
        """A fee notice of 100 元 on `day`, paid five days later."""
        applications_services.fee_notify(application=app, by=self.author, amount="100", basis="按件计收", on=day)
        paid = day + datetime.timedelta(days=5)
        applications_services.fee_pay(application=app, by=self.author, on=paid)

    def remedy(self, name, kind, *, filed, result="pending", decided=None):
        """Record a review or lawsuit on case `name`, filed on `filed` (decided on `decided`)."""
        return applications_services.remedy_record(
            application=self.cases[name],
            by=self.author,
            kind=kind,
            body="上犹县人民政府" if kind == "review" else "上犹县人民法院",
            filed_on=_day(filed),
            result=result,
            decided_on=_day(decided),
        )

    def decide(self, remedy, result, on):
        return applications_services.remedy_decide(remedy=remedy, by=self.author, result=result, decided_on=_day(on))


@pytest.fixture
def applications(shuangxi, author, approver):
    """The two years of applications and their reviews and lawsuits; tests may `add` more."""
    filed = Applications(organisation=shuangxi, author=author, approver=approver)
    add = filed.add
    add("A1", "natural", "2024-03-01", closed="2024-03-20", outcome="disclosed")
    add("A2", "business", "2024-05-10", closed="2024-06-01", outcome="partial")
    add(
        "A3",
        "research",
        "2024-12-20",
        closed="2025-01-15",
        outcome="refused_4",
        before_closing=[("2024-12-23", filed.third_party), ("2025-01-08", filed.third_party_reply)],
    )
    add("A4", "natural", "2024-12-28", closed="2025-01-20", outcome="unable_1")
    add(
        "B1",
        "public_interest",
        "2025-02-01",
        closed="2025-02-20",
        outcome="disclosed",
        before_closing=[("2025-02-05", filed.fee)],
    )
    add("B2", "legal_service", "2025-04-01", closed="2025-04-25", outcome="not_processed_2")
    add(
        "B3",
        "other",
        "2025-06-01",
        closed="2025-06-30",
        outcome="other_1",
        before_closing=[("2025-06-03", filed.correction)],
    )
    add("B4", "natural", "2025-07-01", closed="2025-07-21", outcome="partial")
    add("B5", "natural", "2025-12-25")
    add("B6", "business", "2025-12-29", closed="2026-01-05", outcome="disclosed")
    review = filed.remedy("A2", "review", filed="2024-06-20")
    filed.decide(review, "corrected", "2024-09-10")
    filed.remedy("A4", "review", filed="2025-02-15", result="upheld", decided="2025-04-30")
    filed.remedy("B2", "lawsuit_direct", filed="2025-06-10")
    return filed


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
