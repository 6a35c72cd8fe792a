"""Publication on 公众留言: masked names, no phone, the sensitive-word list, keyset pages, the portal search."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mailbox import services
from mailbox.models import Message
from tests.mailbox.conftest import WRITER_EMAIL, WRITER_NAME, WRITER_PHONE, login

pytestmark = pytest.mark.django_db

LIST = "/shuangxi/mailbox/public/"


def test_publishing_masks_the_name_and_removes_phone_email_and_id_numbers(answered, reviewer):
    Message.objects.filter(pk=answered.pk).update(
        body=f"我叫{WRITER_NAME}，电话{WRITER_PHONE}，座机0797-8665123，邮箱{WRITER_EMAIL}，身份证11010519491231002X。"
    )
    answered.refresh_from_db()
    message = services.message_publish(message=answered, by=reviewer)
    public = " ".join([message.public_subject, message.public_body, message.public_answer, message.public_writer])
    assert message.public_writer == "王**"
    for secret in (WRITER_NAME, WRITER_PHONE, "8665123", WRITER_EMAIL, "11010519491231002X"):
        assert secret not in public
    assert "王**" in message.public_body and "138****1234" in message.public_body


def test_a_sensitive_word_stops_publication_until_the_text_is_rewritten(answered, reviewer, settings):
    settings.MAILBOX_SENSITIVE_WORDS = ["傻瓜"]
    Message.objects.filter(pk=answered.pk).update(body="你们都是傻瓜，内部文件也不公开。")
    answered.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.message_publish(message=answered, by=reviewer)
    assert "敏感词“傻瓜”" in str(caught.value) and "敏感词“内部”" in str(caught.value)
    answered.refresh_from_db()
    assert not answered.is_published
    services.message_publish(message=answered, by=reviewer, body="留言人对文件公开情况提出意见。")
    answered.refresh_from_db()
    assert answered.is_published and answered.public_body == "留言人对文件公开情况提出意见。"


def test_only_answered_messages_the_writer_allowed_are_published(submit, answered, shuangxi, reviewer, author):
    with pytest.raises(PermissionDenied):
        services.message_publish(message=answered, by=author)
    open_message, _ = submit(shuangxi)
    with pytest.raises(ValidationError, match="已答复"):
        services.message_publish(message=open_message, by=reviewer)
    Message.objects.filter(pk=answered.pk).update(may_publish=False)
    answered.refresh_from_db()
    with pytest.raises(ValidationError, match="未同意公开"):
        services.message_publish(message=answered, by=reviewer)


def test_the_publish_button_previews_the_masked_text(client, answered, reviewer):
    login(client, reviewer)
    page = client.get(reverse("admin:mailbox_message_change", args=[answered.pk])).content.decode()
    preview = page.split('name="public_body"')[1].split("</textarea>")[0]
    assert "王**" in preview and WRITER_PHONE not in preview
    client.post(
        reverse("admin:mailbox_message_workflow", args=[answered.pk]),
        {"action": "publish", "public_body": preview.split(">", 1)[1]},
    )
    answered.refresh_from_db()
    assert answered.is_published


def test_the_public_page_shows_dates_office_and_masked_name(client, answered, reviewer):
    services.message_publish(message=answered, by=reviewer)
    html = client.get(LIST).content.decode()
    assert answered.subject in html and "王**" in html and "民政所" in html
    assert answered.received_on.isoformat() in html and answered.answered_on.isoformat() in html
    detail = client.get(reverse("mailbox:public_detail", args=["shuangxi", answered.number])).content.decode()
    assert "可到乡便民服务中心缴费" in detail and "双溪乡民政所" in detail
    for secret in (WRITER_NAME, WRITER_PHONE, WRITER_EMAIL):
        assert secret not in html and secret not in detail


def test_unpublished_and_unanswered_messages_are_not_on_the_public_page(client, submit, answered, shuangxi, reviewer):
    services.message_publish(message=answered, by=reviewer)
    services.message_unpublish(message=answered, by=reviewer, reason="留言人要求撤下。")
    pending, _ = submit(shuangxi, subject="还没答复的留言")
    html = client.get(LIST).content.decode()
    assert answered.subject not in html and "还没答复的留言" not in html
    assert client.get(reverse("mailbox:public_detail", args=["shuangxi", answered.number])).status_code == 404
    assert client.get(reverse("mailbox:public_detail", args=["shuangxi", pending.number])).status_code == 404


def _published_many(shuangxi, reviewer, count, start=0):
    for n in range(start, start + count):
        Message.objects.create(
            organisation=shuangxi,
            number=f"2026{n + 500000:06d}",
            access_code_hash="x",
            kind="consult",
            subject=f"留言{n}",
            body="内容",
            writer_name="张三",
            writer_phone="13900000000",
            may_publish=True,
            received_at="2026-11-01T09:00:00+08:00",
            received_on="2026-11-01",
            due_on="2026-11-15",
            warn_on="2026-11-13",
            status="answered",
            answered_on="2026-11-10",
            public_subject=f"公开留言{n:03d}",
            public_body="内容",
            public_answer="答复",
            public_writer="张**",
            published_at=f"2026-11-{1 + n // 24:02d}T{n % 24:02d}:00:00+08:00",
            published_by=reviewer,
        )


def test_the_public_page_pages_by_keyset_in_constant_queries(
    client, shuangxi, reviewer, settings, django_assert_max_num_queries
):
    settings.PORTAL_PAGE_SIZE = 5
    _published_many(shuangxi, reviewer, 6)
    with django_assert_max_num_queries(6) as small:
        first = client.get(LIST)
    _published_many(shuangxi, reviewer, 60, start=6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        first = client.get(LIST)
    html = first.content.decode()
    assert re.findall(r"公开留言(\d{3})", html) == ["065", "064", "063", "062", "061"]
    seen, url = [], LIST
    for _ in range(20):
        with django_assert_max_num_queries(len(small.captured_queries) + 1):
            page = client.get(url)
        html = page.content.decode()
        seen += re.findall(r"公开留言(\d{3})", html)
        match = re.search(r'href="(\?after=\d+)" rel="next"', html)
        if not match:
            break
        url = LIST + match.group(1)
    assert seen == [f"{n:03d}" for n in range(65, -1, -1)]


def test_answered_published_messages_are_found_by_the_portal_search(client, answered, reviewer, shuangxi):
    services.message_publish(message=answered, by=reviewer)
    html = client.get("/search/", {"q": "便民服务中心"}).content.decode()
    assert "公众留言" in html and answered.subject in html
    assert reverse("mailbox:public_detail", args=["shuangxi", answered.number]) in html
    scoped = client.get("/search/", {"q": "便民服务中心", "township": "shuangxi"}).content.decode()
    assert answered.subject in scoped
    for query in (WRITER_NAME, WRITER_PHONE):
        assert answered.subject not in client.get("/search/", {"q": query}).content.decode()


def test_the_search_forgets_a_message_taken_off_the_page(client, answered, reviewer):
    services.message_publish(message=answered, by=reviewer)
    assert answered.subject in client.get("/search/", {"q": "便民服务中心"}).content.decode()
    services.message_unpublish(message=answered, by=reviewer, reason="撤下")
    assert answered.subject not in client.get("/search/", {"q": "便民服务中心"}).content.decode()


def _crawl(client, start_urls, limit=300):
    seen, queue, bodies = set(), list(start_urls), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        body = response.content.decode("utf-8", "replace")
        bodies[url] = body
        for link in re.findall(r'(?:href="|<loc>)([^"<#]+)', body):
            link = link.replace("&amp;", "&")
            parts = urlsplit(urljoin("http://testserver" + url, link))
            if parts.netloc == "testserver" and not parts.path.startswith(("/admin", "/static", "/media", "/reports")):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return bodies


def test_no_public_url_shows_the_writers_name_phone_or_email(client, answered, submit, shuangxi, reviewer):
    services.message_publish(message=answered, by=reviewer)
    submit(shuangxi, subject="未答复的留言", may_publish=True)
    start = ["/", "/shuangxi/", LIST, "/sitemap.xml", "/robots.txt", "/shuangxi/feed/", "/mailbox/status/"]
    start += [f"/search/?q={q}" for q in (WRITER_NAME, WRITER_PHONE, "便民服务中心", "医保")]
    start += [f"/search/?q={q}&township=shuangxi" for q in (WRITER_NAME, WRITER_PHONE, "医保")]
    bodies = _crawl(client, start)
    assert LIST in bodies and reverse("mailbox:public_detail", args=["shuangxi", answered.number]) in bodies
    assert any("/sitemap" in url for url in bodies) and "/shuangxi/feed/" in bodies
    for url, body in bodies.items():
        visible = body.replace(f"q={WRITER_NAME}", "").replace(f"q={WRITER_PHONE}", "")
        visible = re.sub(r'value="[^"]*"', "", visible)  # the search box echoes the query typed
        visible = re.sub(r"“[^”]*”(的检索结果|相关)", "", visible)
        for secret in (WRITER_NAME, WRITER_PHONE, WRITER_EMAIL, "未答复的留言"):
            assert secret not in visible, f"{secret} on {url}"


def test_publishing_changes_the_search_pages_validator(client, answered, reviewer):
    url = "/search/?q=便民服务中心"
    before = client.get(url)
    services.message_publish(message=answered, by=reviewer)
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and answered.subject in after.content.decode()
    services.message_unpublish(message=answered, by=reviewer, reason="撤下")
    gone = client.get(url, HTTP_IF_NONE_MATCH=after["ETag"])
    assert gone.status_code == 200 and answered.subject not in gone.content.decode()
