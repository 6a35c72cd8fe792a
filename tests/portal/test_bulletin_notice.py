import io

import pypdf
from django.utils import timezone

from disclosure.models import ItemChannel
from tests.pdf_checks import assert_fonts_embedded, non_white_pixels
from tests.search import factories


def _notice_urls(item):
    return f"/shuangxi/items/{item.pk}/notice/", f"/shuangxi/items/{item.pk}/notice.pdf"


def test_residents_are_sent_to_log_in(client, shuangxi, poverty, relief_items):
    page, pdf = _notice_urls(relief_items[0])
    for url in (page, pdf):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_of_another_township_are_refused(client, outsider, shuangxi, poverty, relief_items):
    client.force_login(outsider)
    page, pdf = _notice_urls(relief_items[0])
    assert client.get(page).status_code == 403
    assert client.get(pdf).status_code == 403


def test_the_notice_pdf_carries_the_township_title_index_number_and_dates_as_text(
    client, author, shuangxi, poverty, relief_items
):
    item = relief_items[0]
    client.force_login(author)
    response = client.get(_notice_urls(item)[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert item.title in text
    assert "上犹县双溪乡人民政府" in text
    assert item.index_number in text
    assert "2017年3月1日" in text
    assert "根据精准扶贫工作安排" in text
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (595, 842)
    assert_fonts_embedded(response.content)
    assert non_white_pixels(response.content) > 1500


def test_the_county_office_may_print_but_not_record(client, county_office, shuangxi, poverty, relief_items):
    client.force_login(county_office)
    page, pdf = _notice_urls(relief_items[0])
    assert client.get(pdf).status_code == 200
    assert "登记张贴须由本单位工作人员办理" in client.get(page).content.decode()
    response = client.post(page, {"posted_on": "2017-03-02", "place": "双溪村公开栏"})
    assert response.status_code == 403
    assert not ItemChannel.objects.exists()


def test_staff_record_the_bulletin_board_posting_from_the_print_page(client, author, shuangxi, poverty, relief_items):
    item = relief_items[0]
    client.force_login(author)
    page = _notice_urls(item)[0]
    html = client.get(page).content.decode()
    assert "下载 A4 公示 PDF" in html and 'value="双溪乡政务公开栏"' in html
    response = client.post(page, {"posted_on": "2017-03-02", "place": "双溪村村务公开栏"}, follow=True)
    assert "已记录：本信息已在公示栏张贴。" in response.content.decode()
    record = ItemChannel.objects.get(item=item, channel="bulletin_board")
    assert record.place == "双溪村村务公开栏" and str(record.posted_on) == "2017-03-02" and record.recorded_by == author
    assert "2017年3月2日，双溪村村务公开栏" in client.get(page).content.decode()


def test_bad_posting_dates_are_refused_with_a_message(client, author, shuangxi, poverty, relief_items):
    client.force_login(author)
    page = _notice_urls(relief_items[0])[0]
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    html = client.post(page, {"posted_on": tomorrow.isoformat(), "place": "公开栏"}).content.decode()
    assert "张贴日期不能晚于今天" in html
    html = client.post(page, {"posted_on": "2016-01-01", "place": "公开栏"}).content.decode()
    assert "公开日期不能早于成文日期" in html
    assert not ItemChannel.objects.exists()


def test_item_page_offers_staff_the_notice_but_not_residents(client, author, shuangxi, poverty, relief_items):
    item = relief_items[0]
    assert "打印公示栏公告" not in client.get(f"/shuangxi/items/{item.pk}/").content.decode()
    client.force_login(author)
    assert "打印公示栏公告" in client.get(f"/shuangxi/items/{item.pk}/").content.decode()


def test_unpublished_items_cannot_be_printed_as_notices(client, author, shuangxi, poverty, relief_items):
    item = factories.withdraw(relief_items[0])
    client.force_login(author)
    assert client.get(_notice_urls(item)[1]).status_code == 404
