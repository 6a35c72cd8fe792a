"""The restore drill: back up, lose the database and MEDIA_ROOT, restore, and find everything as it was."""

import hashlib
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from disclosure.models import Attachment, Item
from reports.models import ReportFile
from reports.months import Month
from search.models import SearchEntry
from tests.ops.conftest import media_files, storage_check
from tests.ops.operations import perform


def command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_backup_and_restore_bring_back_items_attachments_and_report_files_byte_for_byte(
    transactional_db, write_spec, tmp_path, client, county_office
):
    perform("import", write_spec("import"))
    version = perform("report", write_spec("report"))
    before = {
        "items": Item.objects.filter(status=Item.Status.PUBLISHED).count(),
        "entries": SearchEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
        "attachments": dict(Attachment.objects.values_list("pk", "sha256")),
        "reports": dict(ReportFile.objects.values_list("pk", "sha256")),
    }
    assert before["items"] == 3 and len(before["attachments"]) == 3 and len(before["reports"]) == 4
    folder = tmp_path / "backup-2026-12-01"

    assert "已备份到" in command("backup", str(folder))
    dump = "database.dump" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "database.sqlite3"
    assert (folder / dump).exists()
    with pytest.raises(CommandError, match="不是空的"):
        command("backup", str(folder))

    # The disaster: the database emptied and the media folder gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Item.objects.exists() and media_files() == []
    with pytest.raises(CommandError, match="不一致"):
        command("restore", str(folder), "--check")

    output = command("restore", str(folder), "--noinput")
    assert "与备份一致" in output and "7 条带校验值的记录" in output

    assert Item.objects.filter(status=Item.Status.PUBLISHED).count() == before["items"]
    assert SearchEntry.objects.count() == before["entries"]
    assert AuditEvent.objects.count() == before["audit"]
    assert dict(Attachment.objects.values_list("pk", "sha256")) == before["attachments"]
    assert dict(ReportFile.objects.values_list("pk", "sha256")) == before["reports"]
    for attachment in Attachment.objects.all():
        response = client.get(reverse("disclosure:attachment", args=[attachment.pk]))
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == attachment.sha256
    client.force_login(county_office)
    url = reverse(
        "reports:download",
        kwargs={"slug": "shuangxi", "month": Month(2017, 3), "number": version.number, "file_format": "pdf"},
    )
    assert client.get(url).status_code == 200
    assert storage_check()[0]
    assert "与备份一致" in command("restore", str(folder), "--check")


def test_the_drill_names_a_damaged_file_after_a_restore(transactional_db, write_spec, tmp_path):
    perform("import", write_spec("import"))
    folder = tmp_path / "backup"
    command("backup", str(folder))
    stored = Attachment.objects.first()
    Path(settings.MEDIA_ROOT, stored.file.name).write_bytes(b"not the file")
    out = StringIO()
    with pytest.raises(CommandError, match="发现 2 处不一致"):
        call_command("restore", str(folder), "--check", stdout=out)
    assert f"文件 {stored.file.name} 的 SHA-256 与备份时不同" in out.getvalue()
    assert f"disclosure.Attachment #{stored.pk} 的文件 {stored.file.name} 与记录的 SHA-256 不一致" in out.getvalue()
