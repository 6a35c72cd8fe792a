"""What the operations tests share: the publishing fixtures, the four writes set up, a child process' database."""

import datetime
import os
import sqlite3
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from disclosure.models import Item
from reports.months import Month
from reports.services import report_save_narrative
from search.models import SearchEntry
from tests.disclosure import files
from tests.disclosure.conftest import category, make_item, publish, steps  # noqa: F401 (fixtures)
from tests.disclosure.test_import import attachment_files, good_rows, write_folder, write_xlsx

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _staging_in_tmp(settings, tmp_path):
    settings.FILE_STAGING_ROOT = tmp_path / "staging"


@pytest.fixture
def write_spec(
    request,
    tmp_path,
    shuangxi,
    shuangxi_office,
    org_admin,
    author,
    approver,
):
    """Set up one of the four writes; returns (operation, spec) for `tests.ops.operations.perform`."""
    new_item = request.getfixturevalue("make_item")
    reviewed = request.getfixturevalue("publish")

    def build(operation: str) -> dict:
        if operation == "import":
            from catalog.models import Category

            Category.objects.create(organisation=shuangxi, code="ZCWJ", name="政策文件")
            Category.objects.create(organisation=shuangxi, code="TZGG", name="通知公告")
            return {
                "organisation": shuangxi.slug,
                "spreadsheet": str(write_xlsx(tmp_path / "信息.xlsx", good_rows(shuangxi))),
                "attachments": str(write_folder(tmp_path / "附件", attachment_files())),
                "by": org_admin.username,
            }
        if operation == "upload":
            path = tmp_path / "公示名单.pdf"
            path.write_bytes(files.pdf_bytes())
            return {"item": new_item().pk, "file": str(path), "by": author.username}
        if operation == "publish":
            # Scheduled for tomorrow, so the approval leaves it approved; `item_publish` then puts it online now.
            item = reviewed(new_item(scheduled_for=timezone.now() + datetime.timedelta(days=1)))
            assert item.status == Item.Status.APPROVED
            return {"item": item.pk, "by": approver.username}
        if operation == "report":
            report_save_narrative(
                organisation=shuangxi,
                month=Month(2017, 3),
                by=org_admin,
                work_done="按目录公开。",
                problems="",
                improvements="",
            )
            return {
                "organisation": shuangxi.slug,
                "month": "2017-03",
                "by": org_admin.username,
                "at": datetime.datetime(2017, 4, 3, 10, tzinfo=datetime.UTC).isoformat(),
            }
        raise ValueError(operation)

    return build


def storage_check(*args) -> tuple[bool, str]:
    """(clean, output) of `manage.py storage_check`."""
    out = StringIO()
    try:
        call_command("storage_check", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def media_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def staging_folders() -> list[Path]:
    root = Path(django_settings.FILE_STAGING_ROOT)
    return sorted(root.iterdir()) if root.exists() else []


def assert_search_in_step():
    """Every published item has its search entry, and no entry is left for an item that is not published."""
    published = set(Item.objects.filter(status=Item.Status.PUBLISHED).values_list("pk", flat=True))
    assert set(SearchEntry.objects.values_list("pk", flat=True)) == published


class ChildDatabase:
    """The test database as a child process sees it: the same PostgreSQL database, or a copy of SQLite's."""

    def __init__(self, tmp_path: Path):
        self.connection = connections["default"]
        self.connection.ensure_connection()
        self.sqlite_path = tmp_path / "child.sqlite3" if self.connection.vendor == "sqlite" else None

    def url(self) -> str:
        if self.sqlite_path is not None:
            return f"sqlite:///{self.sqlite_path}"
        db = self.connection.settings_dict
        password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
        return f"postgres://{quote(db['USER'] or '', safe='')}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"

    def hand_over(self):
        if self.sqlite_path is not None:
            target = sqlite3.connect(self.sqlite_path)
            self.connection.connection.backup(target)
            target.close()

    def take_back(self):
        if self.sqlite_path is not None:
            source = sqlite3.connect(self.sqlite_path)  # a hot journal of the killed child is rolled back here
            source.backup(self.connection.connection)
            source.close()

    def run_until_paused_then_kill(self, operation: str, step: str, spec: dict) -> None:
        import json

        self.hand_over()
        env = {
            **os.environ,
            "DATABASE_URL": self.url(),
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "FILE_STAGING_ROOT": str(django_settings.FILE_STAGING_ROOT),
            "DJANGO_SETTINGS_MODULE": "township_portal.settings",
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.ops.child", operation, step, json.dumps(spec)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        paused = threading.Event()

        def watch():
            for line in child.stdout:
                if line.strip() == "PAUSED":
                    paused.set()
                    return

        threading.Thread(target=watch, daemon=True).start()
        try:
            if not paused.wait(timeout=120):
                child.kill()
                raise AssertionError(f"the child never reached {operation}/{step}: {child.stderr.read()[-3000:]}")
        finally:
            child.kill()  # SIGKILL: no cleanup code of ours runs
            child.wait(timeout=30)
        assert child.returncode == -9
        self.take_back()


@pytest.fixture
def child_database(transactional_db, tmp_path):
    return ChildDatabase(tmp_path)
