import datetime
import io
import re
from decimal import Decimal

import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LAParams, LTTextLine
from pypdf import PdfReader

from tests.pdf_checks import assert_fonts_embedded, font_report, non_white_pixels
from township_portal.lib.pdf import (
    Heading,
    KeyValueTable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    build_pdf,
    html_pdf,
    html_to_text,
    notice_pdf,
)

TITLE = "关于2017年精准扶贫对象的公示"
TOWNSHIP = "城关镇人民政府"


def make_notice(**overrides) -> bytes:
    fields = {
        "township_name": TOWNSHIP,
        "title": TITLE,
        "index_number": "001-2017-0042",
        "document_number": "城政发〔2017〕12号",
        "published_on": datetime.date(2017, 3, 1),
        "written_on": datetime.date(2017, 2, 27),
        "body_text": "　　经村民代表评议，现予公示。\n\n异议请来信 <script>alert(1)</script> & 来电。\n",
        "footer_lines": ["监督电话：0000-1234567"],
    }
    fields.update(overrides)
    return notice_pdf(**fields)


def pypdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdfminer_text(data: bytes) -> str:
    return extract_text(io.BytesIO(data))


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_notice_title_and_township_are_extracted_exactly_by_pypdf_and_pdfminer():
    data = make_notice()

    for text in (pypdf_pages(data)[0], pdfminer_text(data)):
        assert TITLE in lines(text)
        assert TOWNSHIP in lines(text)


def test_notice_title_is_the_document_title():
    metadata = PdfReader(io.BytesIO(make_notice())).metadata

    assert metadata.title == TITLE
    assert metadata.author == TOWNSHIP


def test_notice_prints_markup_in_the_body_as_typed():
    text = pdfminer_text(make_notice())

    assert "异议请来信 <script>alert(1)</script> & 来电。" in lines(text)


def test_notice_shows_metadata_signature_and_footer():
    text = squeeze(pypdf_pages(make_notice())[0])

    assert "索引号：001-2017-0042" in text
    assert "发布日期：2017年3月1日" in text
    assert "成文日期：2017年2月27日" in text
    assert "文号：城政发〔2017〕12号" in text
    assert text.index("现予公示") < text.index(TOWNSHIP + "2017年2月27日")
    assert "监督电话：0000-1234567" in text
    assert "第1页共1页" in text


def test_notice_without_document_number_leaves_it_out():
    text = pdfminer_text(make_notice(document_number=""))

    assert "文号" not in text


def test_long_notice_runs_onto_more_pages_and_its_end_stays_extractable():
    body = ("根据《关于做好精准扶贫对象识别工作的通知》要求，经农户申请、村民代表评议，现予公示。" * 120)[:4990]
    body += "公示期满无异议为止"
    assert len(body) == 4999

    data = make_notice(body_text=body)
    pages = pypdf_pages(data)

    assert len(pages) > 1
    assert "公示期满无异议为止" in squeeze(pages[-1])
    assert f"第{len(pages)}页共{len(pages)}页" in squeeze(pages[-1])
    assert "公示期满无异议为止" in squeeze(pdfminer_text(data))


def test_middle_dot_of_minority_names_survives_extraction():
    # U+00B7, the 间隔号 of minority names, is lost by fonts or CMaps without it.
    data = build_pdf([Paragraph("公示对象：阿卜杜拉·买买提")], title="名单")

    assert "公示对象：阿卜杜拉·买买提" in lines(pdfminer_text(data))
    assert "公示对象：阿卜杜拉·买买提" in lines(pypdf_pages(data)[0])


def test_paragraph_prints_markup_characters_literally_and_keeps_line_breaks():
    data = build_pdf([Paragraph("a <b>bold</b> & c\n第二行")], title="t")

    assert lines(pdfminer_text(data)) == ["a <b>bold</b> & c", "第二行", "第 1 页 共 1 页"]


def test_build_pdf_sets_title_and_author():
    data = build_pdf([Heading("月报")], title="信息公开月报 2024年3月", author="县政务公开办")
    metadata = PdfReader(io.BytesIO(data)).metadata

    assert metadata.title == "信息公开月报 2024年3月"
    assert metadata.author == "县政务公开办"


def test_all_blocks_render_in_order():
    data = build_pdf(
        [
            Heading("一级标题"),
            Heading("二级标题", level=2),
            KeyValueTable([("乡镇", "城关镇"), ("统计期间", "2024年3月")]),
            Spacer(10),
            PageBreak(),
            Paragraph("第二页正文"),
        ],
        title="t",
    )
    pages = pypdf_pages(data)

    assert len(pages) == 2
    first = squeeze(pages[0])
    assert (
        first.index("一级标题") < first.index("二级标题") < first.index("乡镇城关镇") < first.index("统计期间2024年3月")
    )
    assert "第二页正文" in pages[1]


def test_unknown_block_is_refused():
    with pytest.raises(TypeError):
        build_pdf(["plain string"], title="t")


def test_table_keeps_numbers_and_repeats_its_header_on_every_page():
    rows = [[f"乡镇{i}", i * 1000 + 234, Decimal("12.50"), 0.1 + 0.2, None] for i in range(80)]
    data = build_pdf([Table(["乡镇", "发布条目", "金额", "比例", "备注"], rows)], title="t")
    pages = pypdf_pages(data)

    assert len(pages) > 1
    for page in pages:
        assert "发布条目" in page
    all_lines = [line for page in pages for line in lines(page)]
    # A row reads as one line: numbers as printed (Decimal keeps its places, 0.1 + 0.2 is 0.3).
    assert "乡镇79 79234 12.50 0.3" in all_lines


def test_table_right_aligns_numbers_and_left_aligns_text():
    rows = [["甲", 7, "短"], ["乙乙乙乙", 123456, "长一些的文字"]]
    data = build_pdf([Table(["名称", "数量", "说明"], rows)], title="t")
    boxes = {}
    # A small char_margin keeps neighbouring cells in separate text lines.
    for page in extract_pages(io.BytesIO(data), laparams=LAParams(char_margin=0.5)):
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTTextLine):
                boxes[item.get_text().strip()] = item
            elif hasattr(item, "__iter__"):
                stack.extend(item)

    assert boxes["7"].x1 == pytest.approx(boxes["123456"].x1, abs=0.5)
    assert boxes["7"].x0 > boxes["123456"].x0
    assert boxes["短"].x0 == pytest.approx(boxes["长一些的文字"].x0, abs=0.5)


def test_html_to_text_flattens_nested_markup():
    html = (
        "<h2>一、基本情况</h2>"
        "<p>根据&lt;通知&gt;要求，<strong>现将</strong>名单<br>公示如下：</p>"
        "<ul><li>张三</li><li>李四<ol><li>子项<a href='https://x.gov.cn/a'>附件</a></li><li>二</li></ol></li></ul>"
        "<table><thead><tr><th>姓名</th><th>人口</th></tr></thead>"
        "<tbody><tr><td><p>王  五</p></td><td>3</td></tr></tbody></table>"
        "<p>联系 <a href='mailto:a@b.cn'>a@b.cn</a> &amp; <a href='https://x.gov.cn'>https://x.gov.cn</a></p>"
        "<script>bad()</script>"
    )

    assert html_to_text(html).splitlines() == [
        "一、基本情况",
        "根据<通知>要求，现将名单",
        "公示如下：",
        "· 张三",
        "· 李四",
        "1. 子项附件 (https://x.gov.cn/a)",
        "2. 二",
        "姓名  人口",
        "王 五  3",
        "联系 a@b.cn & https://x.gov.cn",
    ]


def test_html_to_text_output_prints_as_notice_paragraphs():
    body = html_to_text("<p>第一段</p><p>第二段 &amp; <em>强调</em></p>")
    text = pdfminer_text(make_notice(body_text=body))

    assert "第一段" in lines(text)
    assert "第二段 & 强调" in lines(text)


def test_html_to_text_of_empty_body_is_empty():
    assert html_to_text("") == ""
    assert html_to_text("<p> </p><br>") == ""


# --- Renders in any viewer -------------------------------------------------


def test_notice_embeds_its_chinese_font_so_any_viewer_draws_the_text():
    data = make_notice()

    assert_fonts_embedded(data)
    assert any("CJK" in name for name in font_report(data))
    assert non_white_pixels(data) > 1500


def test_an_empty_page_renders_white_so_the_ink_count_can_fail():
    data = html_pdf("<!DOCTYPE html><html><body></body></html>")

    assert non_white_pixels(data) == 0


def test_blocks_embed_the_font_including_rare_characters():
    data = build_pdf([Heading("名单"), Paragraph("公示对象：阿卜杜拉·买买提，𠀾")], title="名单")

    assert_fonts_embedded(data)
    assert "公示对象：阿卜杜拉·买买提" in pypdf_pages(data)[0]


def _page_of(pages: list[str], text: str) -> int:
    return next(number for number, page in enumerate(pages) if text in squeeze(page))


def test_a_heading_near_the_foot_of_a_page_moves_over_with_its_table():
    # Push the heading down the first page 3 mm at a time until it no longer fits with a row after it.
    moved = 0
    for height in range(222, 252, 3):
        blocks = [Spacer(height), Heading("本月发布情况", level=3), Table(["栏目", "条数"], [["政策文件", 3]])]
        pages = pypdf_pages(build_pdf(blocks, title="t"))
        assert _page_of(pages, "本月发布情况") == _page_of(pages, "政策文件3")
        moved += _page_of(pages, "本月发布情况")
    assert moved, "the heading never reached the foot of the page: the test proves nothing"


def _parsed_by_htmlparser(html: str) -> str:
    from township_portal.lib.pdf import _TextExtractor

    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines)


def _generated_bodies(count: int) -> list[str]:
    """Bodies as residents' editors send them, through the sanitizer that every saved body passes."""
    import random

    from disclosure.html import sanitize_body

    rng = random.Random(15)
    words = ["扶贫", "低保", "&amp;", "&lt;名单&gt;", "  ", "\n", "2017年", "A&B", "&quot;", "&#26032;", "x < y", "©"]
    inline = ["<strong>{}</strong>", "<em>{}</em>", "<a href='https://x.gov.cn/a?b=1&amp;c=2'>{}</a>", "{}<br>"]
    inline += ["<a href=\"mailto:a@b.cn\" title='t'>{}</a>", "<a href='https://x.gov.cn'>https://x.gov.cn</a>{}"]
    inline += ["<span style='color:red'>{}</span>", "<o:p>{}</o:p>", "<!-- 注释 -->{}", "<BR/>{}", "<sup>{}</sup>"]

    def text(depth=0):
        parts = []
        for _ in range(rng.randint(1, 4)):
            part = "".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
            if depth < 2 and rng.random() < 0.5:
                part = rng.choice(inline).format(text(depth + 1))
            parts.append(part)
        return "".join(parts)

    def block(depth=0):
        kind = rng.choice(["p", "h2", "ul", "ol", "table", "blockquote", "text", "div"])
        if kind in ("ul", "ol"):
            items = "".join(
                f"<li>{text()}{block(depth + 1) if depth < 2 and rng.random() < 0.3 else ''}</li>" for _ in range(3)
            )
            return f"<{kind}>{items}</{kind}>"
        if kind == "table":
            rows = "".join("<tr>" + "".join(f"<td><p>{text()}</p></td>" for _ in range(3)) + "</tr>" for _ in range(2))
            return f"<table><thead><tr><th>姓名</th><th>人口</th></tr></thead><tbody>{rows}</tbody></table>"
        if kind == "text":
            return text()
        return f"<{kind}>{text()}</{kind}>"

    return [sanitize_body("".join(block() for _ in range(rng.randint(1, 6)))) for _ in range(count)]


def test_html_to_text_gives_what_htmlparser_gives_for_every_sanitized_body():
    import random

    from bench.scale_bench import SUBJECTS, VILLAGES, body
    from disclosure.demo import _body

    rng = random.Random(1)
    samples = [*_generated_bodies(400), _body("关于扶贫的通知", 2017, 3, "双溪村")]
    samples += [body(rng, rng.choice(SUBJECTS), rng.choice(VILLAGES), rare=False) for _ in range(50)]
    assert any("<a href=" in sample for sample in samples) and any("&amp;" in sample for sample in samples)
    for sample in samples:
        assert html_to_text(sample) == _parsed_by_htmlparser(sample), sample


def test_html_to_text_reads_unsanitized_markup_as_htmlparser_does():
    for html in [
        "<p>a<!-- b -->c</p>",
        "<p>x < y</p>",
        "<script>a()</script><p>t</p>",
        "<o:p>词</o:p>",
        "<p a=b>词</p>",
    ]:
        assert html_to_text(html) == _parsed_by_htmlparser(html), html
