"""The whole demo as `make run` loads it, loaded once for this module: every app's share of it.

Loading the demo costs ~20 s on SQLite (most of it WeasyPrint laying out the frozen monthly
reports' PDFs); each test here used to load it again to look at one app's share. The module
loads it once, in a transaction rolled back when the module ends, with its files in a folder of
the module's own; each test runs in a savepoint inside it, as pytest-django's ``db`` always does.
The refusal outside demo mode needs an empty database and stays in ``test_load_demo.py``.
"""

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, Remedy
from catalog.demo import DEMO_PASSWORD
from catalog.models import Category, Organisation
from mailbox.models import Message
from mailbox.services.deadlines import alarm_line
from reports.models import MonthlyReport, ReportVersion
from reports.months import Month
from tests.postgres import ON_POSTGRESQL

URL = "http://127.0.0.1:8010/"

# The content is checked on SQLite, where make run loads it; on PostgreSQL the first test still
# loads the whole demo and loads it again, so the demo is known to load there too.
on_sqlite_only = pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="demo content is checked on SQLite, where make run loads it; on PostgreSQL the first test "
    "of this module loads the whole demo and loads it again",
)


@dataclass(frozen=True)
class Demo:
    printed: str
    media: Path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    loading = override_settings(
        DEMO_MODE=True, MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    outer = transaction.atomic()
    output = io.StringIO()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), loading:
            call_command("load_demo", "--url", URL, stdout=output)
        yield Demo(printed=output.getvalue(), media=media)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _in_the_demo(demo, db, settings, _fast_hashing_and_media):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = demo.media


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_loading_again_adds_nothing_anywhere_and_the_printed_login_works(client, demo):
    counts = _row_counts()
    files = sorted(path for path in demo.media.rglob("*") if path.is_file())
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert _row_counts() == counts
    assert sorted(path for path in demo.media.rglob("*") if path.is_file()) == files

    assert URL in demo.printed and f"{URL}admin/" in demo.printed and ":8000" not in demo.printed
    assert "http://127.0.0.1:8000/" in output.getvalue()  # the default address, when make run gives none
    assert "sx_author" in demo.printed and DEMO_PASSWORD in demo.printed
    assert "公开目录、县级模板目录和公开指南已加载" in demo.printed
    assert set(Organisation.objects.townships().values_list("short_name", flat=True)) >= {"双溪乡", "营前镇", "社溪镇"}
    assert client.login(username="sx_author", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


@on_sqlite_only
def test_each_township_has_author_reviewer_and_approver():
    townships = Organisation.objects.townships().prefetch_related("staff")
    assert len(townships) >= 4
    for township in townships:
        staff = township.staff.all()
        assert any(s.is_author for s in staff), township
        assert any(s.is_reviewer for s in staff), township
        assert any(s.is_approver for s in staff), township
    assert get_user_model().objects.filter(username="county_office").exists()


@on_sqlite_only
def test_shuangxi_has_the_seeds_catalog():
    assert Category.objects.filter(organisation__slug="shuangxi", name="精准扶贫脱贫和社会救助信息").exists()


SUBMITTED = {"按时上报", "逾期上报", "已接收"}


@on_sqlite_only
def test_the_board_for_last_month_shows_submitted_reports_and_a_chart(client):
    assert client.login(username="county_office", password=DEMO_PASSWORD)
    last_month = Month.current().previous()
    html = client.get(f"/reports/board/?month={last_month}").content.decode()
    statuses = re.findall(r'<span class="status status-\w+">([^<]+)</span>', html)
    assert sum(status in SUBMITTED for status in statuses) >= 3, statuses
    assert "未开始" in statuses  # one township has not reported yet
    assert "第2版" in html  # returned and resubmitted
    # The chart draws at least one township's line with a non-zero month.
    assert "<svg" in html and re.search(r'<td class="num">[1-9]\d*</td>', html.split('id="trend-table"')[1])

    # Over the past months: one late, one returned and resubmitted, one accepted, in three townships or more.
    versions = ReportVersion.objects.select_related("report__organisation")
    assert versions.filter(is_late=True).exists()
    assert MonthlyReport.objects.filter(status=MonthlyReport.Status.ACCEPTED).exists()
    assert MonthlyReport.objects.filter(versions__number=2).exists()
    assert versions.values("report__organisation").distinct().count() >= 3
    assert versions.values("report__month").distinct().count() >= 3

    workbook = load_workbook(io.BytesIO(client.get(f"/reports/board/{last_month}/county.xlsx").content))
    totals = [row for row in workbook["全县汇总"].iter_rows(values_only=True) if row and row[-1]]
    assert sum(1 for row in totals if row[-1] == "已上报（冻结数据）") >= 3


@on_sqlite_only
def test_applications_are_in_every_state():
    applications = Application.objects.filter(organisation__slug="shuangxi")
    assert applications.count() == 14
    statuses = set(applications.values_list("status", flat=True))
    assert statuses == {"submitted", "open", "correction", "fee", "closed"}
    assert applications.filter(consulting=True).exists()
    assert applications.filter(events__kind="extended").exists()
    outcomes = set(applications.exclude(outcome="").values_list("outcome", flat=True))
    assert {"disclosed", "partial", "refused_4", "unable_1", "other_1"} <= outcomes
    assert Remedy.objects.filter(kind="review").exists()


@on_sqlite_only
def test_messages_cover_every_state_and_the_published_ones_carry_no_writer(client):
    messages = Message.objects.filter(organisation__slug="shuangxi")
    assert set(messages.values_list("status", flat=True)) == set(Message.Status.values)
    assert set(messages.values_list("channel", flat=True)) == set(Message.Channel.values)
    published = messages.published()
    assert published.count() >= 2
    page = client.get("/shuangxi/mailbox/public/").content.decode()
    for message in published:
        assert message.public_subject in page
        assert message.writer_name not in page and message.writer_phone not in page
    # One message has waited more than three months: the staff home's alarm has something to show.
    assert messages.open().filter(received_on__lt=alarm_line(timezone.localdate())).exists()
