"""Shared personas and the browser harness.

Browser tests run with the portal's Content-Security-Policy enforced, and any violation a page
meets fails the test (`CspWatch`, `new_context`, `page`).

Personas (built per test, cheap): a county office user, 双溪乡's author, reviewer,
secrecy reviewer, approver and organisation administrator, and an outsider who is
营前镇's author. Residents are the anonymous `client`.
"""

import contextlib
import os
import shutil
import uuid

import pytest
from django.contrib.auth import get_user_model

from catalog.demo import demo_code
from catalog.models import Organisation, Staff

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
PASSWORD = "persona-password-1"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached pages and rate-limit counters of one test never leak into the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def redis_cache(settings):
    """The production cache: the portal's Redis backend on a real Redis, under a key prefix of
    this test's own (the SQLite and PostgreSQL suites share the server), removed afterwards.
    Its ``clear()`` removes this test's keys only (``tests.redis_cache``): Django's empties the
    whole Redis database, the other suite's keys with it."""
    from django.core.cache import caches

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    backend = {"BACKEND": "tests.redis_cache.PrefixRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    settings.CACHES = {"default": backend}
    cache = caches["default"]
    assert cache._cache.get_client(write=True).ping()
    yield cache
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hashing_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def county(db):
    return Organisation.objects.create(
        kind=Organisation.Kind.COUNTY,
        name="上犹县人民政府",
        short_name="上犹县",
        slug="shangyou",
        code=demo_code("0001"),
    )


@pytest.fixture
def shuangxi(county):
    return Organisation.objects.create(
        kind=Organisation.Kind.TOWNSHIP,
        parent=county,
        name="上犹县双溪乡人民政府",
        short_name="双溪乡",
        slug="shuangxi",
        code=demo_code("0102"),
        phone="0797-8661001",
        office_hours="工作日 8:00-12:00，14:30-17:30",
    )


@pytest.fixture
def shuangxi_office(shuangxi):
    return Organisation.objects.create(
        kind=Organisation.Kind.OFFICE,
        parent=shuangxi,
        name="双溪乡民政所",
        short_name="民政所",
        slug="shuangxi-minzheng",
    )


@pytest.fixture
def yingqian(county):
    return Organisation.objects.create(
        kind=Organisation.Kind.TOWNSHIP,
        parent=county,
        name="上犹县营前镇人民政府",
        short_name="营前镇",
        slug="yingqian",
        code=demo_code("0103"),
    )


@pytest.fixture
def make_staff(db):
    def make(username, organisation, *roles, title=""):
        user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True, first_name=username)
        Staff.objects.create(user=user, organisation=organisation, title=title, **{f"is_{r}": True for r in roles})
        return user

    return make


@pytest.fixture
def author(make_staff, shuangxi):
    return make_staff("sx_author", shuangxi, "author", title="宣传办信息员")


@pytest.fixture
def reviewer(make_staff, shuangxi):
    return make_staff("sx_reviewer", shuangxi, "reviewer", title="党政办副主任")


@pytest.fixture
def secrecy_reviewer(make_staff, shuangxi):
    return make_staff("sx_secrecy", shuangxi, "reviewer", title="保密员")


@pytest.fixture
def approver(make_staff, shuangxi):
    return make_staff("sx_approver", shuangxi, "approver", title="副乡长")


@pytest.fixture
def org_admin(make_staff, shuangxi):
    return make_staff("sx_admin", shuangxi, "org_admin", title="党政办主任")


@pytest.fixture
def county_office(make_staff, county):
    return make_staff("county_office", county, "county_office", title="县政务公开办")


@pytest.fixture
def outsider(make_staff, yingqian):
    return make_staff("yq_author", yingqian, "author", title="营前镇信息员")


def _browser_unavailable_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests are required in CI: {reason}")
        pytest.skip(f"Browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Every page of a browser test records the Content-Security-Policy violations it meets, in
# `window.__cspViolations` and through a binding to Python (the window's list goes with each
# navigation); the browser's console errors naming the policy are kept too.
CSP_WATCH = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const violation = {
      page: location.href,
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile ? event.sourceFile + ":" + event.lineNumber : "",
      sample: event.sample,
    };
    window.__cspViolations.push(violation);
    if (window.__reportCspViolation) {
      window.__reportCspViolation(violation);
    }
  }, true);
})();
"""


class CspWatch:
    """The policy violations seen by the browser contexts of one test."""

    def __init__(self):
        self.violations: list[dict] = []
        self.console: list[str] = []
        self.contexts = []
        # Each violation arrives twice (the window's list, the binding), not always in the same take().
        self._seen: list[dict] = []

    def attach(self, context):
        context.expose_binding("__reportCspViolation", lambda _source, violation: self._add(violation))
        context.add_init_script(CSP_WATCH)
        context.on("console", self._console)
        context.csp_watch = self  # for test tools that trip the policy themselves (tests/axe_checks.py)
        self.contexts.append(context)
        return context

    @contextlib.contextmanager
    def excusing_styles(self):
        """Forgive the inline styles a test tool (axe-core) applies while it runs; scripts still count."""
        kept = self.take()
        try:
            yield
        finally:
            violations, console = self.take()
            self.violations = kept[0] + [v for v in violations if not v["directive"].startswith("style-src")]
            self.console = kept[1] + [text for text in console if not text.startswith("Applying inline style")]

    def _add(self, violation):
        if violation not in self._seen:
            self._seen.append(violation)
            self.violations.append(violation)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def take(self) -> tuple[list[dict], list[str]]:
        """The violations so far (each open page's own list read too), forgotten once returned."""
        for context in self.contexts:
            for open_page in context.pages:
                if open_page.is_closed():
                    continue
                try:
                    for violation in open_page.evaluate("window.__cspViolations || []"):
                        self._add(violation)
                except Exception:  # a page navigating away or crashed: its binding reported already
                    pass
        taken = self.violations, self.console
        self.violations, self.console = [], []
        return taken

    def describe(self, violations, console) -> str:
        lines = [
            f"{v['directive']} blocked {v['blocked'] or '(inline)'} on {v['page']}"
            + (f" at {v['source']}" if v["source"] else "")
            + (f": {v['sample']!r}" if v["sample"] else "")
            for v in violations
        ]
        return "\n".join(lines + [f"console: {text}" for text in console if not violations])


@pytest.fixture
def csp_watch():
    return CspWatch()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test that met a CSP violation fails, naming the directive, what was blocked and where."""
    result = yield
    watch = getattr(item, "funcargs", {}).get("csp_watch")
    if watch is not None:
        violations, console = watch.take()
        if violations or console:
            pytest.fail("Content-Security-Policy violations:\n" + watch.describe(violations, console), pytrace=False)
    return result


@pytest.fixture
def new_context(browser, live_server, transactional_db, csp_watch):
    """A browser context on the live server, its pages watched for CSP violations; fails the test on any."""
    contexts = []

    def make(**options):
        options = {"locale": "zh-CN", "base_url": live_server.url, "viewport": {"width": 1280, "height": 900}} | options
        context = csp_watch.attach(browser.new_context(**options))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    violations, console = csp_watch.take()  # any arriving after the test's own check (pytest_runtest_call)
    for context in contexts:
        context.close()
    if violations or console:
        pytest.fail("Content-Security-Policy violations:\n" + csp_watch.describe(violations, console), pytrace=False)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def login(page):
    """Log a persona into the admin in the browser."""

    def do_login(user):
        page.goto("/admin/login/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    return do_login


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if any("Browser tests skipped" in str(getattr(r, "longrepr", "")) for r in skipped):
        terminalreporter.write_line(
            "NOTE: browser tests were skipped because Chromium or Playwright is missing; CI requires them.",
            yellow=True,
        )
