"""The Content-Security-Policy: enforced on every page, and nothing inline for it to block.

The client tests read each page's header and markup: public pages (portal, mailbox,
applications), the admin's lists, forms and custom pages, and the error pages. The browser
tests load pages in Chromium with the policy enforced; the harness (tests/conftest.py)
fails any browser test on a violation, and the first test here proves it would.
"""

import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import path, reverse

from disclosure.models import ImportJob
from tests.hostile.pages import application_pages, mailbox_pages, public_pages

REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Script types a browser executes (import maps included); data blocks such as application/json are not.
EXECUTED_TYPES = {"", "text/javascript", "application/javascript", "module", "importmap"}


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Laid out by WeasyPrint into PDFs, never served as pages: their <style> is the print layout.
PDF_TEMPLATES = ("pdf/", "annual/pdf.html", "reports/pdf/", "applications/letters/")
INLINE_IN_TEMPLATE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>\s*[^<\s]|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


class InlineCode(HTMLParser):
    """What a strict policy blocks: inline scripts without the nonce, <style>, style="", on…="", javascript: links."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.problems: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self._script = attrs
        if tag == "style":
            self.problems.append("a <style> element")
        for name, value in attrs.items():
            script_url = name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or script_url:
                self.problems.append(f'{name}="{value}" on <{tag}>')

    def handle_data(self, data):
        if self._script is None or not data.strip():
            return
        if (self._script.get("type") or "").lower() in EXECUTED_TYPES and (
            not self.nonce or self._script.get("nonce") != self.nonce
        ):
            self.problems.append(f"an inline <script> without the nonce: {data.strip()[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def assert_strict(response, what):
    """The response carries the enforced policy, and its page has nothing the policy would block."""
    directives = policy(response)
    assert directives, f"{what}: no Content-Security-Policy header"
    for name, value in REQUIRED.items():
        assert directives.get(name) == [value], f"{what}: {name} is {directives.get(name)}"
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives.get(name, []), f"{what}: {name} allows unsafe-inline"
        assert "'unsafe-eval'" not in directives.get(name, []), f"{what}: {name} allows unsafe-eval"
    assert set(directives["script-src"]) - {"'self'", "'report-sample'"} <= {
        value for value in directives["script-src"] if value.startswith("'nonce-")
    }, f"{what}: script-src allows more than our origin and the nonce: {directives['script-src']}"
    if "html" not in response.get("Content-Type", ""):
        return
    nonces = [value[len("'nonce-") : -1] for value in directives["script-src"] if value.startswith("'nonce-")]
    parser = InlineCode(nonces[0] if nonces else None)
    parser.feed(response.content.decode())
    assert not parser.problems, f"{what}: " + "; ".join(parser.problems)


def test_no_page_template_holds_inline_script_style_or_handlers():
    """Pages not visited below (a new template, a rare state) are held to the same rule."""
    offending = [
        f"{path.relative_to(TEMPLATES)}: {match.group()!r}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not str(path.relative_to(TEMPLATES)).startswith(PDF_TEMPLATES)
        for match in INLINE_IN_TEMPLATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offending, offending


def test_public_pages_of_portal_mailbox_and_applications_are_strict(client, world):
    for url in public_pages(world):
        assert_strict(client.get(url), url)
    # A looked-up letter and an opened application, as their writer sees them.
    response = client.post(reverse("mailbox:status"), {"number": world["letter"].number, "code": world["letter_code"]})
    assert world["letter"].number in response.content.decode()
    assert_strict(response, "the looked-up letter")
    application = world["application"]
    response = client.post(
        reverse("applications:status"), {"number": application.number, "code": world["application_code"]}, follow=True
    )
    assert application.number in response.content.decode()
    assert_strict(response, "the opened application")


def admin_pages(world) -> list[str]:
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        info = (model._meta.app_label, model._meta.model_name)
        pages += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            pages.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    for item in (world["published"], world["draft"]):
        pages += [
            reverse("admin:disclosure_item_change", args=[item.pk]),
            reverse("admin:disclosure_item_channel", args=[item.pk]),
        ]
    pages += [
        reverse("admin:disclosure_item_revision", args=[world["draft"].pk, 1]),
        reverse("admin:mailbox_message_record"),
        reverse("admin:applications_application_propose", args=[world["application"].pk]),
        reverse("admin:catalog_category_transfer"),
        reverse("admin:catalog_category_adopt"),
        reverse("disclosure:item_import"),
        reverse("reports:index"),
        reverse("annual:index"),
    ]
    return pages


def test_admin_pages_are_strict_and_the_editor_import_map_carries_the_nonce(client, world, author):
    client.logout()
    assert_strict(client.get(reverse("admin:login")), "the login page")
    for user in (world["superuser"], author):
        client.force_login(user)
        shown = set()
        for url in admin_pages(world):
            response = client.get(url, follow=True)
            if response.status_code == 200:
                assert_strict(response, f"{user} {url}")
                shown.add(url)
        if user == world["superuser"]:
            assert set(admin_pages(world)[-9:]) <= shown  # the custom pages all opened
    client.force_login(world["superuser"])
    for status in (ImportJob.Status.RUNNING, ImportJob.Status.REFUSED):  # the import's progress and result pages
        job = ImportJob.objects.create(
            key=uuid.uuid4(),
            organisation=world["published"].organisation,
            requested_by=world["superuser"],
            spreadsheet_name="信息.xlsx",
            status=status,
            done=5,
            total=10,
            errors=[{"row": 3, "message": "成文日期格式不对"}] if status == ImportJob.Status.REFUSED else [],
        )
        response = client.get(reverse("disclosure:item_import_job", args=[job.pk]))
        assert response.status_code == 200 and "信息.xlsx" in response.content.decode()
        assert_strict(response, f"the import job page ({status})")
    response = client.get(reverse("admin:disclosure_item_change", args=[world["draft"].pk]))
    page = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert f'<script type="importmap" nonce="{nonce}">' in page or re.search(
        rf'<script nonce="{re.escape(nonce)}" type="importmap">', page
    ), "the prose editor's import map has no nonce"


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


def test_error_pages_are_strict(client, world, settings):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_strict(response, "404")
    response = client.post(reverse("mailbox:write", args=["shuangxi"]), {"subject": "名单\u202etxt.exe"})
    assert response.status_code == 400
    assert_strict(response, "400")
    response = client.get("/", headers={"host": "evil.example"})  # Django's own 400 (DisallowedHost)
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    assert_strict(response, "Django's 400")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(reverse("mailbox:write", args=["shuangxi"]), {"body": "长" * 20_000})
    assert response.status_code == 413
    assert_strict(response, "413")
    settings.MAILBOX_LIMIT_LOOKUPS = 1
    for _ in range(2):
        response = client.post(reverse("mailbox:status"), {"number": "X", "code": "Y"})
    assert response.status_code == 429
    assert_strict(response, "429")
    client.force_login(world["draft"].created_by)  # an author: the import is the organisation administrator's
    response = client.get(reverse("disclosure:item_import"))
    assert response.status_code == 403 and "无权访问" in response.content.decode()
    assert_strict(response, "403")
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_strict(response, "500")


# --- In the browser ------------------------------------------------------------------------


@pytest.mark.browser
def test_the_harness_catches_an_inline_script_and_the_browser_blocks_it(page, csp_watch, world):
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injectedRan = true";
            document.body.appendChild(script);
            const styled = document.createElement("div");
            styled.setAttribute("style", "color: red");
            document.body.appendChild(styled);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.__injectedRan") is None  # the script did not run
    violations, console = csp_watch.take()
    directives = {violation["directive"] for violation in violations}
    assert {"script-src-elem", "style-src-attr"} <= directives, violations
    assert all(violation["blocked"] == "inline" for violation in violations), violations
    assert any("Content Security Policy" in text for text in console), console


@pytest.mark.browser
def test_public_pages_run_under_the_policy_without_a_violation(page, world):
    for url in [*public_pages(world), "/no-such-page/"]:
        if url.endswith((".xml", "/feed/")):
            continue
        page.goto(url)
    page.goto(mailbox_pages(world)[0])
    assert page.locator("form").count()
    page.goto(application_pages(world)[1])
    assert page.locator("form").count()
    # The harness fails this test at teardown if any page met a violation.


@pytest.mark.browser
def test_staff_pages_run_under_the_policy_and_the_editor_loads(page, login, world, author):
    login(author)
    page.goto(reverse("admin:disclosure_item_change", args=[world["draft"].pk]))
    page.wait_for_selector('.field-body [contenteditable="true"]')  # the editor's modules ran
    page.goto(reverse("admin:disclosure_item_add"))
    page.wait_for_selector('.field-body [contenteditable="true"]')
    for url in (
        reverse("admin:index"),
        reverse("admin:disclosure_item_changelist"),
        reverse("admin:disclosure_item_channel", args=[world["published"].pk]),
        reverse("admin:catalog_category_changelist"),
        reverse("admin:catalog_category_transfer"),
        reverse("disclosure:item_import"),
        reverse("admin:disclosure_item_revision", args=[world["draft"].pk, 1]),
        reverse("admin:mailbox_message_record"),
        reverse("admin:mailbox_message_changelist"),
        reverse("admin:mailbox_message_change", args=[world["letter"].pk]),
        reverse("admin:applications_application_changelist"),
        reverse("admin:applications_application_change", args=[world["application"].pk]),
        reverse("reports:index"),
        reverse("annual:index"),
    ):
        page.goto(url)
