"""One command: a county of 14 townships with N realistic items, indexed the app's way, every page timed.

Usage (a scratch database only: the script refuses a database whose name lacks "bench",
creates it on PostgreSQL when missing, and empties it when it does not hold exactly the
requested data):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale   # or sqlite:////tmp/bench_scale.sqlite3
    nice -n 15 .venv/bin/python bench/scale_bench.py --items 100000

The data: the demo county (上犹县) and its 14 townships, each with the county's template
catalog (adopted the way the admin does it); items spread over every leaf column and
nine years, Chinese titles and bodies of a few hundred characters built from the
phrases of real township notices, one in ten with a document number, a third recorded
on a second channel. Items are written with ``bulk_create``; the search index is built
with ``manage.py search_rebuild --jobs 2`` (the rebuild's own rate is printed).

For every page, search and report it prints the median (p50) and p95 of ``--runs``
requests through Django's test client (whole request and its SQL), the number of
queries, and a baseline measured in the same run: a ``LIKE`` scan for each search (what
the index replaces, stopping at the same cap) and ``robots.txt`` for pages.
"""

import argparse
import datetime
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]


def bench_environment() -> None:
    """The benchmark's settings, set when it runs (not on import: tests import the phrases below)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township_portal.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    os.environ["DEMO_MODE"] = "1"  # the demo county and catalogs (scratch database only)
    # Production settings (template caching, no debug toolbar of queries), served over plain HTTP.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("STATIC_ROOT", "/tmp/scale-bench-static")
    # One address asks for every search: the limit (60 a minute) is still counted on every
    # request, but never reached by the benchmark's own searches, whatever --runs.
    os.environ.setdefault("SEARCH_RATE_LIMIT", "100000")


# The county's other ten townships (上犹县 has 14; the demo loads four).
MORE_TOWNSHIPS = [
    ("dongshan", "东山镇"),
    ("meishui", "梅水乡"),
    ("youshi", "油石乡"),
    ("anhe", "安和乡"),
    ("sixia", "寺下镇"),
    ("shuiyan", "水岩乡"),
    ("pingfu", "平富乡"),
    ("ziyang", "紫阳乡"),
    ("wuzhifeng", "五指峰乡"),
    ("huangbu", "黄埠镇"),
]
VILLAGES = ["石门村", "双溪村", "大石门村", "高洞村", "果木村", "龙门村", "黄沙村", "水头村", "新田村", "上坪村"]
SUBJECTS = [
    "城乡最低生活保障对象",
    "农村特困人员救助供养",
    "临时救助",
    "森林防火",
    "防汛抗旱",
    "安全生产大检查",
    "耕地地力保护补贴",
    "农村危房改造",
    "宅基地审批",
    "土地承包经营权流转",
    "一事一议筹资筹劳",
    "精准扶贫资金",
    "高标准农田建设",
    "农田水利设施维修",
    "残疾人两项补贴",
    "城乡居民医疗保险",
    "城乡居民养老保险",
    "乡村振兴衔接资金",
    "人居环境整治",
    "财政预算",
    "财政决算",
    "三公经费",
    "政府采购",
    "人事任免",
    "公开招聘",
    "征地补偿",
    "退役军人优待抚恤",
    "义务教育学生资助",
]
KINDS = ["名单公示", "工作方案", "实施方案", "情况通报", "发放情况公示", "工作总结", "通知", "公告", "年度计划"]
SENTENCES = [
    "根据上级有关文件精神，结合我乡实际，现将有关事项公示如下。",
    "各村（社区）要高度重视，明确专人负责，确保各项工作落到实处。",
    "公示期为五个工作日，如有异议，请在公示期内向乡党政办反映。",
    "经村民小组评议、村民代表大会民主评议和乡人民政府审核，",
    "本次共核定对象{n}户{m}人，发放资金{y}元，已通过“一卡通”直接发放到户。",
    "为进一步做好{s}工作，切实保障人民群众生命财产安全，",
    "乡政府成立了以乡长为组长的工作领导小组，下设办公室负责日常工作。",
    "对工作不力、推诿扯皮的，将严肃追究相关人员责任。",
    "联系电话：0797-8661001，监督电话：0797-8521234。",
    "各相关单位要加强协调配合，形成工作合力，按时保质完成任务。",
    "资金使用严格执行财政专户管理，专款专用，接受群众监督。",
    "请各村于{mo}月{d}日前将有关材料报乡民政所汇总。",
]
RARE = "界碑石狮子"  # in a handful of bodies: the rare-word search


def ensure_postgres_database(url: str) -> None:
    parsed = urlparse(url)
    import psycopg2

    conn = psycopg2.connect(parsed._replace(path="/postgres").geturl())
    try:
        conn.autocommit = True
        cursor = conn.cursor()
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parsed.path.lstrip("/")])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{parsed.path.lstrip("/")}"')
    finally:
        conn.close()


def body(rng: random.Random, subject: str, village: str, rare: bool) -> str:
    parts = []
    for _ in range(rng.randint(4, 9)):
        text = rng.choice(SENTENCES).format(
            n=rng.randint(3, 90),
            m=rng.randint(5, 200),
            y=rng.randint(1000, 900000),
            s=subject,
            mo=rng.randint(1, 12),
            d=rng.randint(1, 28),
        )
        parts.append(f"<p>{village}{text}</p>" if rng.random() < 0.3 else f"<p>{text}</p>")
    if rare:
        parts.insert(1, f"<p>{village}{RARE}修缮工程已完成验收。</p>")
    return "".join(parts)


def build(target: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from catalog import demo
    from catalog.models import Category, Organisation
    from catalog.services import catalog_adopt
    from disclosure.models import Item, ItemChannel

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # the calendar data migration's rows come back
    demo.load_organisations()
    demo.load_catalog()
    county = Organisation.objects.get(slug=demo.COUNTY["slug"])
    for number, (slug, short) in enumerate(MORE_TOWNSHIPS):
        township = Organisation.objects.create(
            slug=slug,
            kind=Organisation.Kind.TOWNSHIP,
            parent=county,
            name=f"上犹县{short}人民政府",
            short_name=short,
            code=demo.demo_code(f"02{number:02d}"),
            order=10 + number,
        )
        catalog_adopt(township=township, template_org=county, by=None)
    townships = list(Organisation.objects.filter(kind=Organisation.Kind.TOWNSHIP).order_by("pk"))
    leaves = {}
    for township in townships:
        categories = list(Category.objects.filter(organisation=township, is_active=True))
        parents = {c.parent_id for c in categories}
        leaves[township.pk] = [c for c in categories if c.pk not in parents]
    user, _ = get_user_model().objects.get_or_create(username="bench-clerk")
    rng = random.Random(seed)
    start = timezone.make_aware(datetime.datetime(2018, 1, 1, 8))
    span = (timezone.make_aware(datetime.datetime(2026, 11, 30, 18)) - start).total_seconds()
    began, batch, channels = time.perf_counter(), [], []
    print(f"generating {target:,} items over {len(townships)} townships", flush=True)
    for serial in range(target):
        township = townships[serial % len(townships)]
        category = rng.choice(leaves[township.pk])
        published_at = start + datetime.timedelta(seconds=span * serial / target + rng.randint(0, 3600))
        subject, village = rng.choice(SUBJECTS), rng.choice(VILLAGES)
        year = published_at.year
        title = f"关于{village if rng.random() < 0.4 else township.short_name}{year}年{subject}{rng.choice(KINDS)}"
        if rng.random() < 0.3:
            title = f"{township.short_name}关于做好{subject}工作的通知"
        batch.append(
            Item(
                organisation=township,
                category=category,
                publisher=township,
                title=title,
                summary=f"{township.short_name}{subject}有关情况。",
                body=body(rng, subject, village, rare=serial % 20011 == 7),
                document_number=f"{township.short_name[:1]}府字〔{year}〕{serial % 400 + 1}号"
                if rng.random() < 0.1
                else "",
                written_on=published_at.date(),
                created_by=user,
                status=Item.Status.PUBLISHED,
                published_at=published_at,
                index_number=f"{township.code}/{year}-{serial:07d}",
            )
        )
        if len(batch) == 2000 or serial == target - 1:
            with transaction.atomic():
                created = Item.objects.bulk_create(batch)
                for item in created:
                    posted = timezone.localdate(item.published_at)
                    channels.append(ItemChannel(item=item, channel="website", posted_on=posted, recorded_by=user))
                    if rng.random() < 0.33:
                        channels.append(
                            ItemChannel(item=item, channel="bulletin_board", posted_on=posted, recorded_by=user)
                        )
                ItemChannel.objects.bulk_create(channels)
            batch, channels = [], []
            done = serial + 1
            if done % 20000 == 0 or done == target:
                print(f"  {done:,} items ({done / (time.perf_counter() - began):,.0f}/s)", flush=True)
    print("indexing: manage.py search_rebuild --jobs 2", flush=True)
    call_command("search_rebuild", jobs=2)
    print(flush=True)
    from django.db import connection

    # Statistics and visibility maps as autovacuum leaves them a minute after a bulk load (it
    # vacuums a table once a fifth of it is new rows). Without the visibility map no index-only
    # scan happens: a parent column's capped count read 7,815 table pages (15 ms, not 1 ms).
    # Vacuum runs here because some servers have autovacuum off (this machine's had).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")


def measure(function, runs: int) -> dict:
    """p50/p95 of the whole call and of its SQL, and the number of queries of one call."""
    from django.db import connection

    state = {"sql": 0.0, "queries": 0}

    def timed(execute, sql, params, many, context):
        state["queries"] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            state["sql"] += time.perf_counter() - started

    function()  # warm caches once
    totals, sqls = [], []
    with connection.execute_wrapper(timed):
        for _ in range(runs):
            state.update(sql=0.0, queries=0)
            started = time.perf_counter()
            function()
            totals.append((time.perf_counter() - started) * 1000)
            sqls.append(state["sql"] * 1000)
    return {
        "p50": statistics.median(totals),
        "p95": sorted(totals)[max(0, round(0.95 * len(totals)) - 1)],
        "sql": statistics.median(sqls),
        "queries": state["queries"],
    }


def row(label: str, result: dict, baseline: dict | None = None, note: str = "") -> None:
    ratio = f"{result['p50'] / baseline['p50']:.2f}×" if baseline else ""
    base = f"{baseline['p50']:.1f}" if baseline else ""
    print(
        f"| {label} | {result['p50']:.1f} | {result['p95']:.1f} | {result['sql']:.1f} | {result['queries']} "
        f"| {base} | {ratio} | {note} |",
        flush=True,
    )


def get(client, url, params=None, status=200):
    def call():
        response = client.get(url, params or {})
        assert response.status_code == status, (url, params, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    return call


def sizes() -> None:
    from django.db import connection

    tables = ["disclosure_item", "search_searchentry", "search_searchchunk"]
    print("\n| table | rows | size with indexes (MB) |\n|---|---|---|")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # fixed table names
            count = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                size = cursor.fetchone()[0]
            else:
                try:
                    cursor.execute(
                        "SELECT sum(pgsize) FROM dbstat WHERE name IN"
                        " (SELECT name FROM sqlite_master WHERE tbl_name = %s)",
                        [table],
                    )
                    size = cursor.fetchone()[0] or 0
                except Exception:  # dbstat is optional in SQLite builds
                    size = 0
            print(f"| {table} | {count:,} | {size / 1e6:,.1f} |")
        if connection.vendor == "sqlite":
            try:
                cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_chunk_fts%'")
                print(f"| search_chunk_fts (FTS5) | | {(cursor.fetchone()[0] or 0) / 1e6:,.1f} |")
            except Exception:
                pass


def main():
    bench_environment()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", default="", help="comma-separated groups: search,pages,reports,sizes")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("Set DATABASE_URL to a scratch database whose name contains 'bench' (see the docstring).")
    if url.startswith("postgres"):
        ensure_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client may use "testserver"
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from catalog.models import Category, Organisation
    from disclosure.models import Item
    from search.models import SearchEntry

    if not (Organisation.objects.filter(slug="huangbu").exists() and SearchEntry.objects.count() == args.items):
        build(args.items, args.seed)
    else:
        print(f"reusing {args.items:,} items")
    groups = set(filter(None, args.only.split(","))) or {"search", "pages", "reports", "sizes"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    load = os.getloadavg()
    print(f"\n{connection.vendor}, {args.items:,} items, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print("\n| what | p50 ms | p95 ms | SQL ms | queries | baseline ms | ratio | note |")
    print("|---|---|---|---|---|---|---|---|")
    from django.conf import settings

    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # every figure below is of a page built; cached rows say so
    client = Client()
    # As a gunicorn worker does once it has loaded the application (gunicorn.conf.py's
    # post_worker_init): what is loaded by now lives as long as the process, out of the reach of
    # the full collections that would otherwise land in one request in ~150 (~50 ms each).
    gc.collect()
    gc.freeze()
    robots = measure(get(client, "/robots.txt"), args.runs)
    row("robots.txt (baseline for pages)", robots)
    if "search" in groups:
        cap = 1000
        sample = Item.objects.filter(status="published").order_by("pk")[args.items // 2]
        for label, raw in [
            ("search 工作 (common word)", "工作"),
            ("search 城乡最低生活保障对象 (long common phrase)", "城乡最低生活保障对象"),
            ("search 森林防火 (4 characters)", "森林防火"),
            ("search 救 (1 character, titles)", "救"),
            (f"search {RARE} (rare word)", RARE),
            ("search 索引号 (redirect)", sample.index_number),
        ]:

            def like(raw=raw):
                match = Q(title__contains=raw) | Q(summary__contains=raw) | Q(body__contains=raw)
                rows = Item.objects.filter(match, status="published")
                list(rows.order_by("-published_at")[:20])
                rows.values("pk")[: cap + 1].count()

            redirect = raw == sample.index_number
            result = measure(get(client, "/search/", {"q": raw}, status=302 if redirect else 200), args.runs)
            row(label, result, measure(like, max(3, args.runs // 3)), "baseline: LIKE")
        deep = measure(get(client, "/search/", {"q": "工作", "page": "50"}), args.runs)
        row("search 工作 page 50", deep)
    if "pages" in groups:
        township = Organisation.objects.get(slug="shuangxi")
        entries = SearchEntry.objects.filter(organisation=township)
        counts = {}
        for category_id in entries.values_list("category_id", flat=True)[:5000]:
            counts[category_id] = counts.get(category_id, 0) + 1
        leaf = Category.objects.get(pk=max(counts, key=counts.get))
        parent = leaf.parent
        item = entries.order_by("-published_at")[50]
        deep_after = (
            SearchEntry.objects.filter(category=leaf)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[min(2000, SearchEntry.objects.filter(category=leaf).count() - 1)]
        )
        pages = [
            ("county home", "/", {}),
            ("township home", "/shuangxi/", {}),
            ("leaf column page 1", f"/shuangxi/category/{leaf.code}/", {}),
            ("leaf column deep page", f"/shuangxi/category/{leaf.code}/", {"after": deep_after}),
            ("item", f"/shuangxi/items/{item.pk}/", {}),
            ("item print view", f"/shuangxi/items/{item.pk}/print/", {}),
            ("township feed", "/shuangxi/feed/", {}),
            ("guide", "/shuangxi/guide/", {}),
            ("catalog", "/shuangxi/catalog/", {}),
            ("sitemap.xml (index)", "/sitemap.xml", {}),
            ("sitemap-items.xml page 1", "/sitemap-items.xml", {}),
        ]
        if parent is not None:
            pages.insert(3, ("parent column page 1", f"/shuangxi/category/{parent.code}/", {}))
        for label, url, params in pages:
            row(label, measure(get(client, url, params), args.runs), robots, "baseline: robots.txt")
        row("item page, 304", measure(_conditional(client, f"/shuangxi/items/{item.pk}/"), args.runs), robots)
        settings.PORTAL_PAGE_CACHE_SECONDS = 600
        for label, url in [("township home", "/shuangxi/"), ("item", f"/shuangxi/items/{item.pk}/")]:
            row(f"{label}, from the page cache", measure(get(client, url), args.runs), robots, "baseline: robots.txt")
        settings.PORTAL_PAGE_CACHE_SECONDS = 0
    if "reports" in groups:
        reports(client, args.runs)
    if "sizes" in groups:
        sizes()


def _conditional(client, url):
    etag = client.get(url)["ETag"]

    def call():
        response = client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 304

    return call


def reports(client, runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from catalog.models import Organisation
    from reports.figures import compute_figures
    from reports.months import Month

    today = timezone.localdate()
    month = Month(today.year, today.month)
    townships = list(Organisation.objects.filter(kind=Organisation.Kind.TOWNSHIP).order_by("pk"))
    row("county month, 14 townships (compute_figures)", measure(lambda: compute_figures(townships, month), runs))
    office = get_user_model().objects.filter(username="county_office").first()
    if office is None:
        return
    staff = client.__class__()
    staff.force_login(office)
    slug = month.slug if hasattr(month, "slug") else f"{month.year}-{month.month:02d}"
    row("reports board page", measure(get(staff, "/reports/board/", {"month": slug}), max(3, runs // 3)))
    row("county workbook (XLSX)", measure(get(staff, f"/reports/board/{slug}/county.xlsx"), max(3, runs // 3)))
    # The annual report of last year, the whole year's items (issue 15: the county's year in <= 5 s).
    from annual.figures import compute_year

    year = today.year - 1
    row(f"annual {year}, 14 townships (compute_year)", measure(lambda: compute_year(townships, year), runs))
    row("annual board page", measure(get(staff, "/annual/board/", {"year": year}), max(3, runs // 3)))
    row("annual county workbook (XLSX)", measure(get(staff, f"/annual/board/{year}/county.xlsx"), max(3, runs // 3)))


if __name__ == "__main__":
    main()
