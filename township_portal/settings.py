"""Settings for the township disclosure portal.

One file, configured only by environment variables. With no variable set the
portal runs in development mode on SQLite with local media; production is this
same file with DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL set.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, REPORT_SAMPLE, SELF
from django.core.exceptions import ImproperlyConfigured

from township_portal.lib.env import env_bool, env_database, env_int, env_list, env_str
from township_portal.lib.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")

# Demo accounts with known passwords are created only in demo mode, which is
# off whenever DEBUG is off unless explicitly asked for.
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # django.contrib.admin with every changelist hardened against bad filter values (issue 14).
    "township_portal.lib.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "django_prose_editor",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    # Project apps; imports go one way: reports -> portal -> disclosure -> search -> catalog -> audit.
    "audit",
    "catalog",
    "search",
    "disclosure",
    "portal",
    "reports",
    "mailbox",
    "annual",  # the annual report (年度报告), above reports
    # 依申请公开 (issue 9): above reports; registers a report section, an annual source and panels.
    "applications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Anonymous public pages from the shared cache, before the rest: a copy keeps the headers the
    # middleware below added to the page built (content policy, framing, language; portal.conditional).
    "portal.conditional.PageCacheMiddleware",
    # Content-Security-Policy on every response, error pages included (policy: CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF (which reads the form): NUL/control characters, direction overrides, overlong ids, 413.
    "township_portal.lib.cleaning.CleanInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sessions end after SESSION_IDLE_MINUTES without a request (saved at most once a minute).
    "township_portal.lib.sessions.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: the login lockout (township_portal.lib.lockout).
    "axes.middleware.AxesMiddleware",
]

# The item page's hand-written statements (township_portal.lib.lean) are prepared once per
# PostgreSQL connection: planning them took more than running them. Off behind a connection
# pooler in transaction mode (PgBouncer), where a connection's statements do not follow it.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)

ROOT_URLCONF = "township_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} remembering what it reversed (0.5 ms of a public page's template).
            "builtins": ["township_portal.lib.url_tag"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.display",
            ],
        },
    },
]

WSGI_APPLICATION = "township_portal.wsgi.application"

# Persistent connections in production (health-checked); none in development.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 600, minimum=0),
    )
}
# --- Scale (issue 15): anonymous public pages may read from a PostgreSQL replica.
if env_str("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = env_database(
        "REPLICA_DATABASE_URL", "", conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 600, minimum=0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["township_portal.lib.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A covering index's INCLUDE columns (PostgreSQL, production) are simply left out on SQLite.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

CACHES = {
    "default": {
        "BACKEND": "township_portal.lib.cache.PortalRedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }
    if env_str("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# One queue for the whole project: work that must leave the request (large imports, slow
# text extraction, rebuilds) is a django-tasks task stored in the database; `manage.py
# db_worker` runs it (`make run` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTHENTICATION_BACKENDS = [
    "township_portal.lib.lockout.PortalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "township_portal.lib.static_storage.RememberingManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"
SITE_NAME = env_str("SITE_NAME", "县级政府信息公开平台")

# The footer every government site carries (《政府网站发展指引》): the county's own registration
# numbers, shown on every public page; an empty value is left out.
SITE_FOOTER = {
    "sponsor": env_str("SITE_SPONSOR", ""),  # 主办单位
    "organiser": env_str("SITE_ORGANISER", ""),  # 承办单位
    "contact": env_str("SITE_CONTACT", ""),  # 联系方式（电话、邮箱、地址）
    "icp_number": env_str("SITE_ICP_NUMBER", ""),  # ICP备案号, e.g. 赣ICP备12345678号
    "police_number": env_str("SITE_POLICE_NUMBER", ""),  # 公安机关备案号, e.g. 赣公网安备36072402000001号
    "site_code": env_str("SITE_CODE", ""),  # 网站标识码, e.g. 3607240001
    "conac_url": env_str("SITE_CONAC_URL", ""),  # the 党政机关网站 mark's verification link (开办者核验)
}

# Production hardening; all on when DEBUG is off, each can be relaxed explicitly
# (for instance behind a TLS-terminating proxy on a private network).
# Trust X-Forwarded-Proto only behind a TLS-terminating proxy that sets it; otherwise a
# client could claim HTTPS by sending the header itself.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
# Proxies in front of the application servers that append to X-Forwarded-For (nginx: 1).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0, minimum=0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), enforced: no inline script anywhere. Scripts come from our
# own origin; the one inline script, the prose editor's <script type="importmap"> in the admin's
# change forms, carries the request's nonce (templates/admin/change_form.html). Styles likewise
# come only from stylesheets: no <style> element or style="" attribute in any page, except the
# <style data-tiptap-style> the editor's script (Tiptap, in django-prose-editor 0.28) inserts,
# allowed by its hash; an editor upgrade that changes it fails the browser tests. Images follow
# default-src: QR codes are inline <svg> or the portal's own qr.svg, and no stylesheet or script
# uses a data: URI.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'report-sample': a violation names the first characters of what was blocked.
        "script-src": [SELF, NONCE, REPORT_SAMPLE],
        "style-src": [SELF, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='", REPORT_SAMPLE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# One line per event: time, level, logger, request id; a repeated error's traceback only once a minute.
LOGGING = logging_config(env_str("LOG_LEVEL", "WARNING"))

# --- Catalog (issue 3) ---------------------------------------------------------
# Inspection freshness rules (政府网站与政务新媒体检查指标): news-like columns must
# see an item every 14 days, notice/policy columns every 6 months (183 days).
FRESHNESS_NEWS_DAYS = env_int("FRESHNESS_NEWS_DAYS", 14, minimum=1)
FRESHNESS_NOTICE_DAYS = env_int("FRESHNESS_NOTICE_DAYS", 183, minimum=1)
GUIDE_REVIEW_MONTHS = env_int("GUIDE_REVIEW_MONTHS", 12, minimum=1)
# A whole county catalog is a few hundred rows (tens of KB); anything far larger is refused
# before it is opened, so a wrong upload cannot tie up a worker.
CATALOG_IMPORT_MAX_BYTES = env_int("CATALOG_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# --- Disclosure (issue 4) ------------------------------------------------------
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Words the pre-publication check flags for the secrecy review (保密审查); comma-separated.
SENSITIVE_WORDS = env_list("SENSITIVE_WORDS", ["秘密", "机密", "绝密", "内部"])
# Staff home: how many working days ahead "due soon" looks.
DUE_SOON_WORKDAYS = env_int("DUE_SOON_WORKDAYS", 5, minimum=1)
# Zip-based documents (docx/xlsx/pptx/ofd) may unpack to this much; more is a zip bomb.
ATTACHMENT_MAX_UNPACKED_BYTES = env_int("ATTACHMENT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024)
# Images above this many pixels (all frames) are refused before decoding: an A4 page
# scanned at 600 dpi is 35 million.
ATTACHMENT_MAX_IMAGE_PIXELS = env_int("ATTACHMENT_MAX_IMAGE_PIXELS", 64_000_000, minimum=1_000_000)

# --- Portal (issue 5) ----------------------------------------------------------
# Items per list page; search shows at most PORTAL_SEARCH_MAX_RESULTS results (counts
# above that read "1000+"); category counts stop at PORTAL_COUNT_CAP.
PORTAL_PAGE_SIZE = env_int("PORTAL_PAGE_SIZE", 20, minimum=5)
PORTAL_SEARCH_MAX_RESULTS = env_int("PORTAL_SEARCH_MAX_RESULTS", 1000, minimum=100)
PORTAL_COUNT_CAP = env_int("PORTAL_COUNT_CAP", 10000, minimum=100)
PORTAL_FEED_ITEMS = env_int("PORTAL_FEED_ITEMS", 30, minimum=1)
# URLs per sitemap file; the sitemap index lists as many files as needed.
PORTAL_SITEMAP_LIMIT = env_int("PORTAL_SITEMAP_LIMIT", 10000, minimum=10)
# --- Scale (issue 15): anonymous public pages kept in the shared cache with their version
# tokens (0 turns it off); a publish replaces the tokens, so this only bounds the cache's size.
PORTAL_PAGE_CACHE_SECONDS = env_int("PORTAL_PAGE_CACHE_SECONDS", 600, minimum=0)
# QR codes, per-column counts and the bodies' frames (their navigation), keyed by what they
# show or checked against the page-version tokens (a day bounds the cache's size).
PORTAL_FRAGMENT_CACHE_SECONDS = env_int("PORTAL_FRAGMENT_CACHE_SECONDS", 86400, minimum=1)

# --- Reports (issue 6) ---------------------------------------------------------
# Townships submit the month by this day of the following month.
REPORT_DEADLINE_DAY = env_int("REPORT_DEADLINE_DAY", 5, minimum=1)

# --- Files, search index, audit and operations (issue 13) ----------------------
# Scratch folders of imports (removed in every outcome; `storage_check --repair` removes
# those a killed process left). Default: the system temp folder's township-portal/.
FILE_STAGING_ROOT = env_str("FILE_STAGING_ROOT")
# Every request gets an id (X-Request-ID) that its log lines carry; database errors answer 503.
MIDDLEWARE.insert(0, "township_portal.lib.logs.RequestIdMiddleware")
# PostgreSQL: give up connecting after DB_CONNECT_TIMEOUT seconds and end any statement (or lock
# wait) after DB_STATEMENT_TIMEOUT_MS / DB_LOCK_TIMEOUT_MS, so a hung database makes clear error
# pages instead of requests that hang; keepalives notice a vanished server. 0 turns a timeout off
# (for a one-off maintenance command).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5, minimum=1),
            "options": (
                f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 30000, minimum=0)}"
                f" -c lock_timeout={env_int('DB_LOCK_TIMEOUT_MS', 10000, minimum=0)}"
                # No JIT compilation: it cost ~300 ms of each of the county month's two big
                # counts at 1,000,000 items (a third of their time) and gains nothing here.
                " -c jit=off"
            ),
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }
    )
# /healthz answers within this many seconds, whatever the database does.
HEALTHZ_TIMEOUT_SECONDS = 0.8

# --- Mailbox (issue 11) --------------------------------------------------------
# Working days a township has to answer a message (counted from the day after receipt);
# the county sets it for all its townships.
MAILBOX_REPLY_WORKDAYS = env_int("MAILBOX_REPLY_WORKDAYS", 10, minimum=1)
MAILBOX_MAX_CHARS = env_int("MAILBOX_MAX_CHARS", 2000, minimum=200)
# Words refused on the 公众留言 page in addition to SENSITIVE_WORDS; comma-separated.
MAILBOX_SENSITIVE_WORDS = env_list("MAILBOX_SENSITIVE_WORDS", [])
# Per client address per hour, per phone number per day, status lookups per address per 15 minutes.
MAILBOX_LIMIT_PER_ADDRESS = env_int("MAILBOX_LIMIT_PER_ADDRESS", 5, minimum=1)
MAILBOX_LIMIT_PER_PHONE = env_int("MAILBOX_LIMIT_PER_PHONE", 3, minimum=1)
MAILBOX_LIMIT_LOOKUPS = env_int("MAILBOX_LIMIT_LOOKUPS", 10, minimum=1)

# --- Annual report (issue 10) ----------------------------------------------------
# The previous year's report is due by this day (MM-DD) of the following year.
ANNUAL_REPORT_DEADLINE = env_str("ANNUAL_REPORT_DEADLINE", "01-31")
try:
    _month, _day = (int(part) for part in ANNUAL_REPORT_DEADLINE.split("-"))
    if not (1 <= _month <= 12 and 1 <= _day <= 28 + (_month != 2) * 3):
        raise ValueError(ANNUAL_REPORT_DEADLINE)
except ValueError:
    raise ImproperlyConfigured("ANNUAL_REPORT_DEADLINE must be a day of the year as MM-DD, e.g. 01-31.") from None

# --- Hostile input (issue 14) --------------------------------------------------
# Every uploaded or imported file is parsed under these limits (township_portal.lib.bounded);
# a file over one is refused with a message naming it, before the expensive step.
# One part of an Office/OFD package (document.xml, a sheet, sharedStrings.xml) may inflate to this much.
ATTACHMENT_MAX_PART_BYTES = env_int("ATTACHMENT_MAX_PART_BYTES", 50 * 1024 * 1024, minimum=1024 * 1024)
ATTACHMENT_MAX_PARTS = env_int("ATTACHMENT_MAX_PARTS", 10_000, minimum=10)
ATTACHMENT_MAX_PDF_PAGES = env_int("ATTACHMENT_MAX_PDF_PAGES", 3000, minimum=1)
ATTACHMENT_MAX_SHEET_ROWS = env_int("ATTACHMENT_MAX_SHEET_ROWS", 200_000, minimum=100)
# Seconds of work allowed to read one file's text (checked between pages, rows and XML elements).
ATTACHMENT_PARSE_SECONDS = env_int("ATTACHMENT_PARSE_SECONDS", 20, minimum=1)
# A PDF uploaded in the admin whose text is not read within these seconds is stored with its
# text pending, and the task queue reads it with the longer budget below (a 1,000-page
# budget book takes ~20 s): no upload of ten files runs into the worker timeout, and a long
# legitimate document is not refused as too complex. Items cannot be submitted until done.
ATTACHMENT_SYNC_TEXT_SECONDS = env_int("ATTACHMENT_SYNC_TEXT_SECONDS", 1, minimum=0)
ATTACHMENT_QUEUE_PARSE_SECONDS = env_int("ATTACHMENT_QUEUE_PARSE_SECONDS", 600, minimum=1)
# Import spreadsheets (items and catalogs): rows (empty ones included), inflated bytes, and the
# work done in a web request before the import moves to the task worker.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000, minimum=10)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024, minimum=1024 * 1024)
CATALOG_IMPORT_MAX_ROWS = env_int("CATALOG_IMPORT_MAX_ROWS", 5_000, minimum=10)

# Login lockout (django-axes): per account and per address, separately.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "township_portal.lib.lockout.lockout_response"
# One notion of the client's address for lockout and rate limits (X-Forwarded-For behind proxies).
AXES_CLIENT_IP_CALLABLE = "township_portal.lib.ratelimit.client_address"
AXES_VERBOSE = False
# Login form posts per address per minute, right or wrong (township_portal.lib.ratelimit).
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 20, minimum=1)
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 60, minimum=1)
# Staff sessions end after this many minutes without a request, and when the browser closes.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
