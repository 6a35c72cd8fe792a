"""The demo year of 双溪乡 (issue 4, point 12), made through the real services."""

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from audit.models import AuditEvent
from catalog import demo as catalog_demo
from catalog.models import Category
from disclosure import demo
from disclosure.models import Attachment, Item, ItemChannel, PersonalDataFinding
from tests.disclosure.files import GPS_IFD


@pytest.fixture
def demo_catalog(settings, db):
    settings.DEMO_MODE = True
    catalog_demo.load_organisations()
    catalog_demo.load_catalog()


def test_demo_year_covers_the_eight_kinds_and_every_special_case_and_loads_once(demo_catalog):
    made = demo.load_items()
    items = Item.objects.filter(organisation__slug="shuangxi")
    public = items.filter(status=Item.Status.PUBLISHED)
    assert made == items.count() and public.count() > 100
    eight_kinds = {c.code: c for c in Category.objects.filter(organisation__slug="shuangxi", parent=None)}
    for code in ("01", "02", "03", "04", "05", "06", "07", "08"):
        category = eight_kinds[code]
        assert public.filter(category__in=[category, *category.children.all()]).exists(), category.name
    assert public.filter(late_workdays__isnull=False).count() >= 2
    assert items.filter(status=Item.Status.WITHDRAWN).exclude(withdrawal_reason="").count() == 1
    assert items.filter(validity=Item.Validity.REPEALED).count() == 1
    assert items.filter(validity=Item.Validity.REVISED, replaced_by__isnull=False).count() == 1
    masked = PersonalDataFinding.objects.filter(status=PersonalDataFinding.Status.MASKED)
    assert masked.filter(kind="id_number").exists()
    assert "*" in masked.first().item.body
    steps = set(items.filter(status=Item.Status.IN_REVIEW).values_list("review_step__name", flat=True))
    assert steps == {"初审", "保密审查", "签发"}
    assert items.filter(status=Item.Status.DRAFT).exists()
    assert items.filter(status=Item.Status.APPROVED, scheduled_for__isnull=False).exists()
    assert items.filter(is_emergency=True, emergency_confirmed_by__isnull=True).exists()
    numbers = list(public.values_list("index_number", flat=True))
    assert len(numbers) == len(set(numbers))

    assert demo.load_items() == 0
    assert Item.objects.filter(organisation__slug="shuangxi").count() == made


def test_demo_items_carry_real_files_checked_like_uploads_and_downloadable_under_their_chinese_names(
    demo_catalog, client, settings
):
    demo.load_items()
    attachments = Attachment.objects.filter(item__organisation__slug="shuangxi").select_related("item")
    with_files = {attachment.item for attachment in attachments}
    assert 10 <= len(with_files) <= 30
    assert {a.content_type for a in attachments} >= {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/jpeg",
    }
    for attachment in attachments:
        stored = Path(attachment.file.path)
        assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and stored.stat().st_size == attachment.size
        if attachment.content_type == "image/jpeg":
            # A phone photo of the bulletin board: its GPS position did not survive the upload.
            assert not Image.open(stored).getexif().get_ifd(GPS_IFD)
        else:
            # Each document opens with its item's title: the extracted text is the document's own.
            assert attachment.item.title[:12] in attachment.text.replace("\n", ""), attachment.original_name

    # Files were attached before the item went to review, so the scan before approval read them.
    for item in with_files:
        first_file = (
            AuditEvent.objects.filter(
                action="attachment.add", object_id__in=[str(pk) for pk in item.attachments.values_list("pk", flat=True)]
            )
            .order_by("pk")
            .first()
        )
        submitted = AuditEvent.objects.get(action="item.submit", object_type="disclosure.item", object_id=str(item.pk))
        assert first_file.pk < submitted.pk, item.title
    assert not PersonalDataFinding.objects.filter(location="attachment").exists()

    # The 精准扶贫 notice a resident finds under its column, with its funds table as a PDF.
    column = Category.objects.get(organisation__slug="shuangxi", name="精准扶贫脱贫和社会救助信息")
    poverty = Item.objects.public().get(category__in=[column, *column.children.all()], title__contains="扶贫")
    funds = poverty.attachments.get()
    assert funds.content_type == "application/pdf" and funds.original_name.endswith("年扶贫资金使用明细.pdf")
    assert "产业扶贫奖补" in funds.text and "合计" in funds.text

    response = client.get(reverse("disclosure:attachment", args=[funds.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == Path(funds.file.path).read_bytes() and body.startswith(b"%PDF-")
    assert f"filename*=UTF-8''{quote(funds.original_name, safe='')}" in response["Content-Disposition"]
    assert "扶贫资金" in PdfReader(io.BytesIO(body)).pages[0].extract_text()

    # Some bulletin-board postings are recorded with their photo, stored without the GPS position.
    photos = ItemChannel.objects.filter(channel="bulletin_board").exclude(photo="")
    assert photos.exists()
    assert all(not Image.open(record.photo.path).getexif().get_ifd(GPS_IFD) for record in photos)
