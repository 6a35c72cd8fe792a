"""The bombs of issue 14 are refused quickly, in little memory, naming the limit, writing nothing."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from catalog.models import Category, Obligation
from disclosure.models import Attachment
from tests.conftest import PASSWORD
from tests.disclosure import files
from tests.hostile import bombs

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 5
PEAK_MB = 300


@pytest.fixture(scope="session")
def bomb_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("bombs")


@pytest.fixture(scope="session")
def docx_bomb(bomb_dir):
    path = bomb_dir / "通知.docx"
    path.write_bytes(bombs.docx_bomb())
    return path


@pytest.fixture(scope="session")
def pdf_bomb(bomb_dir):
    path = bomb_dir / "公示.pdf"
    path.write_bytes(bombs.pdf_flate_bomb())
    return path


@pytest.fixture(scope="session")
def shared_string_bomb(bomb_dir):
    path = bomb_dir / "目录.xlsx"
    path.write_bytes(bombs.xlsx_shared_string_bomb())
    return path


@pytest.fixture(scope="session")
def empty_rows_bomb(bomb_dir):
    path = bomb_dir / "空行.xlsx"
    path.write_bytes(bombs.xlsx_empty_rows_bomb())
    return path


def measured(kind: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "tests.hostile.measure", kind, str(path), path.name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def assert_bounded(outcome: dict, *words: str) -> None:
    assert outcome["refusal"], "the bomb was accepted"
    for word in words:
        assert word in outcome["refusal"]
    assert outcome["seconds"] < SECONDS, outcome
    assert outcome["peak_mb"] < PEAK_MB, outcome
    assert len(outcome["refusal"]) < 500  # never the huge content itself


def test_the_bombs_are_small_outside():
    # What the probe sent: a few hundred KB at most, well under every upload limit.
    assert len(bombs.xlsx_shared_string_bomb()) < 30_000


def test_docx_whose_document_inflates_to_185_mb_is_refused_within_limits(docx_bomb):
    assert docx_bomb.stat().st_size < 1024 * 1024
    assert_bounded(measured("attachment", docx_bomb), "document.xml", "185.0 MB", "上限")


def test_pdf_whose_stream_inflates_to_1_gb_is_refused_within_limits(pdf_bomb):
    assert_bounded(measured("attachment", pdf_bomb), "解压", "上限")


def test_catalog_with_a_20_mb_shared_string_is_refused_within_limits(shared_string_bomb):
    assert_bounded(measured("catalog", shared_string_bomb), "32767", "上限")


def test_catalog_with_a_million_empty_rows_is_refused_within_limits(empty_rows_bomb):
    assert_bounded(measured("catalog", empty_rows_bomb), "行数上限")


def test_item_import_with_a_20_mb_shared_string_is_refused_within_limits(bomb_dir):
    path = bomb_dir / "导入.xlsx"
    path.write_bytes(bombs.xlsx_shared_string_bomb(header=["标题", "目录分类", "成文日期", "发布日期"]))
    assert_bounded(measured("items", path), "32767", "上限")


def test_item_import_with_a_million_empty_rows_is_refused_within_limits(bomb_dir):
    path = bomb_dir / "导入空行.xlsx"
    path.write_bytes(bombs.xlsx_empty_rows_bomb(header=["标题", "目录分类", "成文日期", "发布日期"]))
    assert_bounded(measured("items", path), "行数上限")


# --- Through the pages: a refusal, and nothing written -------------------------------------


def test_attachment_bombs_on_the_item_form_leave_no_row_and_no_file(item, author, docx_bomb, pdf_bomb, settings):
    from django.core.exceptions import ValidationError

    from disclosure.services import attachment_add

    for path in (docx_bomb, pdf_bomb):
        with pytest.raises(ValidationError):
            attachment_add(item=item, uploaded_file=files.upload(path.name, path.read_bytes()), by=author)
    assert not Attachment.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize("bomb", ["shared_string_bomb", "empty_rows_bomb"])
def test_catalog_bombs_on_the_transfer_page_get_a_short_refusal(client, org_admin, shuangxi, request, bomb):
    path = request.getfixturevalue(bomb)
    client.login(username=org_admin.username, password=PASSWORD)
    with path.open("rb") as upload:
        data = {"organisation": shuangxi.pk, "file": upload}
        response = client.post(reverse("admin:catalog_category_transfer"), data)
    assert response.status_code == 200
    assert "上限" in response.content.decode()
    assert len(response.content) < 200_000  # the probe got a 755 MB page
    assert not Category.objects.filter(organisation=shuangxi).exists()
    assert not Obligation.objects.exists()
