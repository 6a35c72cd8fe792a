"""Due dates from the catalog calendar, lateness, the staff home, and channels (points 8 and 9)."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from catalog.models import Obligation
from disclosure import queries, services
from disclosure.models import Item, ItemChannel
from tests.conftest import PASSWORD
from tests.disclosure import files
from tests.disclosure.conftest import WRITTEN_ON, local


def test_due_date_is_formation_plus_the_obligations_working_days(make_item, obligation):
    assert make_item(obligation=obligation).due_on == date(2026, 3, 30)
    obligation.time_limit_days = 7
    obligation.save()
    assert make_item(obligation=obligation).due_on == date(2026, 3, 11)


def test_without_an_obligation_the_regulations_twenty_working_days_apply(make_item):
    # 2026-09-30 + 20 working days skips the National Day holiday and counts the make-up Saturday.
    assert make_item(written_on=date(2026, 9, 30)).due_on > date(2026, 10, 28)


def test_real_time_obligation_is_due_the_day_it_is_formed(make_item, obligation):
    obligation.time_limit_kind = Obligation.TimeLimitKind.REAL_TIME
    obligation.save()
    assert make_item(obligation=obligation).due_on == WRITTEN_ON


def test_changing_the_formation_date_moves_the_due_date(make_item, author):
    item = make_item()
    item = services.item_update(item=item, by=author, written_on=date(2026, 3, 9))
    assert item.due_on == date(2026, 4, 7)


def test_late_publication_is_flagged_with_how_many_working_days(make_item, publish):
    on_time = publish(make_item(title="按时"), at=local(2026, 3, 30, 17))
    late = publish(make_item(title="迟了"), at=local(2026, 4, 2, 10))
    assert on_time.late_workdays is None
    assert late.late_workdays == 3
    assert queries.lateness_label(late) == "逾期 3 个工作日发布"


def test_staff_home_lists_drafts_reviews_due_soon_overdue_and_findings(
    make_item, author, reviewer, approver, django_assert_max_num_queries
):
    make_item(title="我的草稿")
    make_item(title="快到期的", written_on=date(2026, 11, 2))  # due 2026-11-30
    make_item(title="手机13812345678")
    waiting = make_item(title="等初审的")
    services.item_submit(item=waiting, by=author)

    def titles(home, index):
        return [getattr(row, "title", None) or row.item.title for row in home.sections[index].rows]

    with django_assert_max_num_queries(16):
        home = queries.staff_home(author, today=date(2026, 11, 26))
    assert [s.title for s in home.sections] == [
        "我的草稿",
        "等待我审核",
        "5个工作日内到期",
        "已超期未发布",
        "未处理的个人信息/敏感词",
    ]
    assert "我的草稿" in titles(home, 0) and "等初审的" not in titles(home, 0)
    assert titles(home, 1) == []
    assert titles(home, 2) == ["快到期的"]
    assert set(titles(home, 3)) == {"我的草稿", "手机13812345678", "等初审的"}
    assert titles(home, 4) == ["手机13812345678"]
    assert home.sections[3].rows[0].overdue_workdays > 100

    with django_assert_max_num_queries(16):
        reviewer_home = queries.staff_home(reviewer, today=date(2026, 11, 26))
    assert titles(reviewer_home, 1) == ["等初审的"]
    assert titles(queries.staff_home(approver, today=date(2026, 11, 26)), 1) == []


def test_staff_home_is_the_admin_index(client, make_item, author):
    make_item(title="首页上的草稿")
    assert client.login(username=author.username, password=PASSWORD)
    html = client.get(reverse("admin:index")).content.decode()
    assert "我的草稿（1）" in html and "首页上的草稿" in html and "等待我审核（0）" in html


def _reports_link(html: str) -> str | None:
    """The staff home's own link (the admin's app list below it names the report model the same)."""
    home = html[html.index('<section id="staff-home"') : html.index("</section>")]
    match = re.search(r'<a href="([^"]+)">政务公开月报</a>', home)
    return match.group(1) if match else None


def test_township_staff_find_their_monthly_reports_on_the_staff_home(client, make_item, author):
    assert client.login(username=author.username, password=PASSWORD)
    link = _reports_link(client.get(reverse("admin:index")).content.decode())
    assert link == reverse("reports:index")
    assert client.get(link).status_code == 200


def test_the_county_office_finds_the_reports_board_on_the_staff_home(client, county_office, shuangxi):
    assert client.login(username=county_office.username, password=PASSWORD)
    link = _reports_link(client.get(reverse("admin:index")).content.decode())
    assert link == reverse("reports:board")
    assert client.get(link).status_code == 200


def test_office_staff_without_reports_of_their_own_get_no_reports_link(client, make_staff, shuangxi_office):
    clerk = make_staff("sx_mz_author", shuangxi_office, "author")
    assert client.login(username=clerk.username, password=PASSWORD)
    html = client.get(reverse("admin:index")).content.decode()
    assert "我的草稿" in html and _reports_link(html) is None


@pytest.mark.parametrize("drafts", [1, 25])
def test_the_admin_index_runs_a_bounded_number_of_queries(
    client, make_item, author, drafts, django_assert_max_num_queries
):
    for number in range(drafts):
        make_item(title=f"草稿{number}")
    assert client.login(username=author.username, password=PASSWORD)
    # 19: the holiday calendar warning panel (catalog.calendar.calendar_year_panels) asks one query;
    # 20: the applications panel, one query when it has nothing to show.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:index"))
    assert "政务公开月报" in response.content.decode()


def test_county_office_home_counts_every_townships_overdue_items(make_item, county_office):
    make_item(title="双溪乡超期草稿")
    home = queries.staff_home(county_office, today=date(2026, 11, 26))
    assert home.sections[3].total == 1 and home.sections[0].total == 0


def test_emergency_publication_waits_on_the_approvers_home(make_item, org_admin, approver):
    item = make_item(title="暴雨预警")
    services.item_emergency_publish(item=item, by=org_admin, reason="暴雨")
    home = queries.staff_home(approver, today=date(2026, 11, 26))
    assert [row.title for row in home.sections[1].rows] == ["暴雨预警"]
    assert queries.staff_home(org_admin, today=date(2026, 11, 26)).sections[1].rows == []


def test_publication_records_the_website_channel_once(make_item, publish):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    assert list(item.channels.values_list("channel", "posted_on")) == [("website", date(2026, 3, 20))]


def test_staff_record_bulletin_board_paper_and_wechat(make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    services.channel_record(
        item=item, channel="bulletin_board", posted_on=date(2026, 3, 21), by=author, place="双溪村公开栏"
    )
    services.channel_record(item=item, channel="paper", posted_on=date(2026, 3, 21), by=author)
    services.channel_record(
        item=item, channel="new_media", posted_on=date(2026, 3, 21), by=author, link="https://mp.weixin.qq.com/s/abc"
    )
    assert set(item.channels.values_list("channel", flat=True)) == {"website", "bulletin_board", "paper", "new_media"}
    # One item on four channels is still one published item.
    assert Item.objects.public().count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "bulletin_board"}, "place"),
        ({"channel": "new_media", "link": "javascript:alert(1)"}, "link"),
        ({"channel": "website"}, "channel"),
        ({"channel": "paper", "posted_on": date(2026, 3, 1)}, "posted_on"),
        ({"channel": "paper", "posted_on": date(2099, 1, 1)}, "posted_on"),
    ],
)
def test_bad_channel_records_are_refused_and_write_nothing(make_item, publish, author, fields, field):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    values = {"posted_on": date(2026, 3, 21)} | fields
    with pytest.raises(ValidationError) as error:
        services.channel_record(item=item, by=author, **values)
    assert field in error.value.message_dict
    assert item.channels.count() == 1


def channel_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "channels"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_bulletin_board_photo_loses_its_gps_position_and_camera(make_item, publish, author, settings):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    data = files.jpeg_with_gps(size=(64, 48))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(files.GPS_IFD)  # the phone recorded where it was

    record = services.channel_record(
        item=item,
        channel="bulletin_board",
        posted_on=date(2026, 3, 21),
        by=author,
        place="双溪村村务公开栏",
        photo=files.upload("IMG_20260321_公示栏.jpg", data, content_type="image/jpeg"),
    )

    record.refresh_from_db()
    assert re.fullmatch(r"channels/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", record.photo.name)
    image = Image.open(record.photo.path)
    exif = image.getexif()
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not exif.get_ifd(files.GPS_IFD)
    assert files.MAKE not in exif and files.MODEL not in exif
    assert image.getpixel((2, 2))[0] > 150  # still the same picture: the red corner is where it was
    assert channel_files(settings) == [Path(record.photo.path)]
    event = AuditEvent.objects.get(action="channel.record")
    assert event.after["photo"] == record.photo.name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "不是图片"),
        ("公示栏.pdf", files.pdf_bytes("公示栏照片"), "不是图片（而是PDF 文档）"),
        ("截图.png", files.bomb_png(), "图片尺寸过大"),
        ("空.jpg", b"", "空文件"),
        ("改了名的.jpg", files.image_bytes("PNG"), "扩展名不符"),
    ],
)
def test_a_channel_photo_that_is_no_safe_picture_is_refused_and_leaves_nothing(
    make_item, publish, author, settings, name, data, message
):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(ValidationError) as error:
        services.channel_record(
            item=item,
            channel="bulletin_board",
            posted_on=date(2026, 3, 21),
            by=author,
            place="村口",
            photo=files.upload(name, data),
        )
    assert message in " ".join(error.value.message_dict["photo"])
    assert not ItemChannel.objects.filter(channel="bulletin_board").exists()
    assert not AuditEvent.objects.filter(action="channel.record").exists()
    assert channel_files(settings) == []


def test_a_good_photo_with_a_missing_place_is_not_stored(make_item, publish, author, settings):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    with pytest.raises(ValidationError) as error:
        services.channel_record(
            item=item,
            channel="bulletin_board",
            posted_on=date(2026, 3, 21),
            by=author,
            photo=files.upload("现场.jpg", files.jpeg_with_gps()),
        )
    assert set(error.value.message_dict) == {"place"}
    assert channel_files(settings) == []


def test_the_admin_channel_form_stores_the_photo_without_its_gps_position(client, make_item, publish, author):
    item = publish(make_item(), at=local(2026, 3, 20, 9))
    assert client.login(username=author.username, password=PASSWORD)
    photo = SimpleUploadedFile("现场照片.jpg", files.jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        reverse("admin:disclosure_item_channel", args=[item.pk]),
        {"channel": "bulletin_board", "posted_on": "2026-03-21", "place": "大布村公开栏", "photo": photo},
    )
    assert response.status_code == 302
    record = ItemChannel.objects.get(item=item, channel="bulletin_board")
    assert not Image.open(record.photo.path).getexif().get_ifd(files.GPS_IFD)

    refused = client.post(
        reverse("admin:disclosure_item_channel", args=[item.pk]),
        {
            "channel": "bulletin_board",
            "posted_on": "2026-03-21",
            "place": "大布村公开栏",
            "photo": SimpleUploadedFile("photo.jpg", files.HTML_PAGE),
        },
    )
    assert refused.status_code == 200 and "不是图片" in refused.content.decode()
    assert ItemChannel.objects.filter(item=item, channel="bulletin_board").count() == 1


def test_channels_are_only_recorded_for_published_items(make_item, author):
    with pytest.raises(ValidationError, match="已发布"):
        services.channel_record(item=make_item(), channel="paper", posted_on=date(2026, 3, 21), by=author)


def test_publish_scheduled_command_publishes_due_items(make_item, publish, capsys):
    item = make_item(scheduled_for=local(2026, 3, 25, 8))
    publish(item, at=local(2026, 3, 20, 10))
    call_command("publish_scheduled")  # the real clock is long past 2026-03-25
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert item.index_number in capsys.readouterr().out
