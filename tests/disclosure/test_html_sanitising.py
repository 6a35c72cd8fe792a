"""Body HTML (issue 4, point 3): what staff paste from Word/WPS keeps its structure, nothing runs."""

import pytest

from disclosure.html import sanitize_body

WORD_PASTE = """
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->
<style>p.MsoNormal { margin: 0; }</style>
<h1 class="MsoTitle" style="text-align:center">双溪乡2026年政务公开工作要点</h1>
<p class="MsoNormal" style="text-indent:2em"><span lang="EN-US" style="font-family:仿宋">为深入贯彻《条例》，</span>
<b>现提出如下要点</b>：<o:p></o:p></p>
<h2>一、主要任务</h2>
<ol start="1" type="1"><li class="MsoListParagraph">编制公开目录</li><li>更新公开指南</li></ol>
<ul><li>每月报送</li></ul>
<table class="MsoTableGrid" border="1" style="border-collapse:collapse">
<tr><td colspan="2" style="width:100pt">任务</td><td>时限</td></tr></table>
<p>详见<a href="https://www.shangyou.gov.cn/zwgk/" target="_blank" style="color:blue">县政府网站</a>、
<a href="mailto:sxxgk@example.gov.cn">邮箱</a>。</p>
"""


def test_word_paste_keeps_headings_lists_tables_and_links_without_styles():
    cleaned = sanitize_body(WORD_PASTE)
    assert "<h1>双溪乡2026年政务公开工作要点</h1>" in cleaned
    assert "<h2>一、主要任务</h2>" in cleaned
    assert '<ol start="1" type="1"><li>编制公开目录</li><li>更新公开指南</li></ol>' in cleaned
    assert "<ul><li>每月报送</li></ul>" in cleaned
    assert '<td colspan="2">任务</td>' in cleaned
    assert '<a href="https://www.shangyou.gov.cn/zwgk/" rel="noopener noreferrer">县政府网站</a>' in cleaned
    assert 'href="mailto:sxxgk@example.gov.cn"' in cleaned
    assert "<b>现提出如下要点</b>" in cleaned
    for gone in ("style", "class=", "MsoNormal", "o:p", "<!--", "mso", "target=", "<span"):
        assert gone not in cleaned, gone


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">点我</a>',
        '<a href="JaVaScRiPt&colon;alert(1)">点我</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>',
        '<p onclick="alert(1)" onmouseover="alert(2)">段落</p>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://evil.example/"></iframe>',
        '<form action="https://evil.example/"><input name="x"></form>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<object data="x.swf"></object><embed src="x.swf">',
    ],
)
def test_script_handlers_and_dangerous_links_never_survive(payload):
    cleaned = sanitize_body(f"<p>前</p>{payload}<p>后</p>").lower()
    for marker in (
        "<script",
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
        "data:",
        "<iframe",
        "<form",
        "<input",
        "<svg",
        "<math",
        "<object",
        "<embed",
        "style=",
    ):
        assert marker not in cleaned, (payload, cleaned)
    assert "<p>前</p>" in cleaned and "<p>后</p>" in cleaned


def test_empty_editor_content_is_stored_as_empty():
    assert sanitize_body("<p></p>") == ""
    assert sanitize_body("<p><br></p>") == ""
    assert sanitize_body(None) == ""
