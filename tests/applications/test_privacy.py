"""No applicant's personal data on any public URL: pages, feeds, sitemaps, search, downloads."""

import re
from collections import deque
from datetime import date
from urllib.parse import urljoin, urlparse

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from disclosure.attachments import attachment_check
from tests.applications.conftest import ADDRESS, ID_NUMBER, NAME, PHONE
from tests.disclosure.files import pdf_bytes

pytestmark = pytest.mark.django_db
LINK = re.compile(r'(?:href|src)="([^"#]+)"|<loc>([^<]+)</loc>')
PRIVATE_PREFIXES = ("/admin/", "/reports/", "/static/")
MASKED_ID = ID_NUMBER[:2] + "*" * 13 + ID_NUMBER[-3:]


@pytest.fixture
def known_case(registered, author, approver, make_item, publish):
    publish(make_item(title="双溪乡2025年危房改造补助标准"))
    scan = attachment_check(SimpleUploadedFile("身份证.pdf", pdf_bytes(f"{NAME} {ID_NUMBER}")))
    application, code = services.application_register(
        organisation=author.staff.organisation,
        by=author,
        channel="letter",
        received_on=date(2025, 3, 3),
        details={
            "applicant_kind": "natural", "applicant_name": NAME, "id_type": "resident_id", "id_number": ID_NUMBER,
            "phone": PHONE, "address": ADDRESS, "description": f"{NAME}申请危房改造补助名单", "form_wanted": "paper",
            "delivery_wanted": "post", "document_title": "危房改造补助名单",
        },
        id_scan=scan,
    )  # fmt: skip
    answer = services.answer_draft(
        application=application, by=author, outcome="disclosed", explanation="予以公开。",
        files=[attachment_check(SimpleUploadedFile("名单.pdf", pdf_bytes("补助标准每户1.5万元")))],
    )  # fmt: skip
    services.answer_approve(answer=answer, by=approver)
    return application


def crawl(client, starts, limit=400):
    seen, queue, pages = set(), deque(starts), {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = (response.status_code, body)
        if "html" not in response.get("Content-Type", "") and "xml" not in response.get("Content-Type", ""):
            continue
        for match in LINK.finditer(body.decode("utf-8", "replace")):
            link = urljoin(url, (match[1] or match[2]).replace("&amp;", "&"))
            parsed = urlparse(link)
            if parsed.netloc not in ("", "testserver"):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if not path.startswith(PRIVATE_PREFIXES) and path not in seen:
                queue.append(path)
    return pages


def test_a_crawl_of_every_public_url_finds_none_of_the_applicants_data(client, known_case, shuangxi):
    cache.clear()
    starts = [
        "/", "/shuangxi/", "/shuangxi/feed/", "/sitemap.xml", "/robots.txt", "/apply/", "/apply/status/",
        "/shuangxi/apply/", f"/search/?q={NAME}", f"/search/?q={ID_NUMBER}", f"/search/?q={PHONE}",
        "/search/?q=危房改造补助名单", f"/apply/status/{known_case.number}/",
        *[f"/apply/status/{known_case.number}/{what}/{pk}/" for what in ("pdf", "docx", "file") for pk in range(1, 6)],
        f"/media/{known_case.id_scan.name}",
    ]  # fmt: skip
    pages = crawl(client, starts)
    assert len(pages) > 20, sorted(pages)
    assert pages["/shuangxi/"][0] == 200 and pages["/sitemap.xml"][0] == 200
    for url, (status, body) in pages.items():
        text = body.decode("utf-8", "replace")
        if url.startswith("/search/?q="):
            # The page echoes what was typed; what matters is that nothing was found for it.
            typed = url.split("q=", 1)[1]
            if typed in (NAME, ID_NUMBER, PHONE):
                assert f"没有找到与“{typed}”相关的信息" in text, url
                text = text.replace(typed, "")
        for secret in (NAME, ID_NUMBER, MASKED_ID, PHONE, ADDRESS, known_case.number):
            if secret == known_case.number and url.startswith("/apply/status/"):
                continue  # the number a visitor typed may be echoed; nothing about the case is shown
            assert secret not in text, (url, status, secret)
        assert status in (200, 301, 302, 304, 404, 405, 410), (url, status)
    # The private files were never served:
    for url, (status, _body) in pages.items():
        if url.startswith(f"/apply/status/{known_case.number}/") or url.startswith("/media/"):
            assert status == 404, url
