"""`manage.py storage_check`: files without rows, rows without files, the grace period; missing files answer 503."""

import os
import time
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.attachments import attachment_check, attachment_store
from disclosure.models import ItemChannel
from reports.months import Month
from tests.disclosure import files
from tests.ops.conftest import media_files, storage_check
from tests.ops.injection import Injected
from tests.ops.operations import perform
from township_portal.lib.files import atomic_with_files, save_file, staging_folder


@pytest.fixture
def published(make_item, publish):
    return publish(make_item(written_on=date(2026, 3, 2)))


@pytest.fixture
def attachment(shuangxi, category, author):
    from disclosure.models import Item

    item = Item.objects.create(
        organisation=shuangxi,
        category=category,
        publisher=shuangxi,
        title="低保对象公示",
        written_on=date(2024, 3, 1),
        created_by=author,
        status=Item.Status.PUBLISHED,
        index_number=f"{shuangxi.code}/2024-00001",
        published_at=timezone.now(),
    )
    return attachment_store(item=item, checked=attachment_check(files.upload("名单.pdf", files.pdf_bytes())), by=author)


def test_a_clean_store_is_reported_clean(attachment):
    clean, output = storage_check()
    assert clean and "共核对 1 个文件、1 条记录" in output


def test_a_row_whose_file_is_gone_is_named_and_fails_the_check(attachment):
    attachment.file.storage.delete(attachment.file.name)
    clean, output = storage_check("--repair")
    assert not clean
    assert f"disclosure.Attachment #{attachment.pk}" in output and attachment.file.name in output
    assert "请从备份恢复 MEDIA_ROOT" in output


def test_a_young_orphan_is_listed_but_kept_until_the_grace_period_is_over(attachment, settings):
    with atomic_with_files():
        name = save_file(storage=attachment.file.storage, name="attachments/2026/12/left.pdf", content=b"%PDF-1.4")
    clean, output = storage_check("--repair")  # default grace: 24 hours
    assert clean and f"孤立文件（没有记录）：{name}（宽限期内，暂不处理）" in output
    assert attachment.file.storage.exists(name)

    old = time.time() - 25 * 3600
    os.utime(os.path.join(settings.MEDIA_ROOT, name), (old, old))
    clean, output = storage_check()
    assert not clean and f"孤立文件（没有记录）：{name}" in output
    clean, output = storage_check("--repair")
    assert clean and "已删除 1 个孤立文件" in output
    assert not attachment.file.storage.exists(name)
    assert attachment.file.storage.exists(attachment.file.name)


def test_a_staging_folder_of_a_live_process_is_kept(db):
    with staging_folder("import") as folder:
        (folder / "000001").write_bytes(b"x")
        clean, output = storage_check("--repair")
        assert clean and folder.exists()
    assert not folder.exists()


def test_a_channel_photo_is_removed_when_the_record_fails(published, author, monkeypatch):
    import disclosure.services.channels as channels

    def fail(**kwargs):
        raise Injected

    monkeypatch.setattr(channels, "audit_record", fail)
    with pytest.raises(Injected):
        services.channel_record(
            item=published,
            channel="bulletin_board",
            posted_on=date(2026, 3, 21),
            by=author,
            place="双溪村公开栏",
            photo=files.upload("公示栏.jpg", files.jpeg_with_gps()),
        )
    assert not ItemChannel.objects.filter(channel="bulletin_board").exists()
    assert media_files() == []
    monkeypatch.undo()
    record = services.channel_record(
        item=published,
        channel="bulletin_board",
        posted_on=date(2026, 3, 21),
        by=author,
        place="双溪村公开栏",
        photo=files.upload("公示栏.jpg", files.jpeg_with_gps()),
    )
    assert record.photo.name.startswith("channels/") and len(media_files()) == 1
    assert storage_check()[0]


def test_an_attachment_missing_after_a_restore_without_media_answers_a_chinese_503(client, attachment):
    attachment.file.storage.delete(attachment.file.name)
    response = client.get(reverse("disclosure:attachment", args=[attachment.pk]))
    assert response.status_code == 503
    assert "文件暂时无法下载" in response.content.decode()


def test_a_report_file_missing_after_a_restore_without_media_answers_a_chinese_503(client, write_spec, county_office):
    version = perform("report", write_spec("report"))
    stored = version.files.get(format="pdf")
    stored.file.storage.delete(stored.file.name)
    client.force_login(county_office)
    url = reverse(
        "reports:download", kwargs={"slug": "shuangxi", "month": Month(2017, 3), "number": 1, "file_format": "pdf"}
    )
    response = client.get(url)
    assert response.status_code == 503
    assert "文件暂时无法下载" in response.content.decode()
