"""Measure page 1 against a deep page of every kind of portal listing.

Usage (a scratch database only: the script empties it when it does not hold exactly the
requested data, and refuses a database whose name lacks "bench"):

    DATABASE_URL=sqlite:////tmp/bench_paging.sqlite3 .venv/bin/python bench/paging_bench.py --items 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_paging .venv/bin/python bench/paging_bench.py --items 100000

On PostgreSQL the database is created when missing. The data: one township whose items
are spread over a leaf column (30%), a parent column with four child columns (60%) and
another column (10%), and a neighbouring township holds 30% of all items (so a column is
a minority of the table and of its date index, as in a real county); publish times come
in threes (ties on the date), a fifth of the items have attachments, a tenth a document
number, three publishing bodies. Items and their search entries are written in bulk; the
search index holds the titles only (the search case needs nothing more; ``portal_bench.py``
measures full-text search itself).

For each case it requests the real page through Django's test client and prints the
median time of several runs (of the whole request and of its SQL) and the number of
queries, for page 1 and for a deep page (the page starting at row ``--deep`` or, when
the listing is shorter, its last page). ``--explain`` then prints the plans of the deep
pages' slowest queries (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite);
``--cases`` picks cases by name prefix.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township_portal.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TOWNSHIP = "benchpaging"
WORDS = ["扶贫", "低保", "救助", "资金", "公示", "通知", "关于", "做好", "工作", "农村", "医疗", "养老"]
WORDS += ["补贴", "发放", "名单", "标准", "危房", "改造", "项目", "建设", "年度", "计划", "财政", "预算"]
WORDS += ["人事", "任免", "安全", "生产", "防汛", "土地", "流转", "征收", "补偿", "教育", "卫生", "就业"]


def ensure_postgres_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    try:
        import psycopg as driver
    except ImportError:
        import psycopg2 as driver

    conn = driver.connect(parsed._replace(path="/postgres").geturl())
    try:
        conn.autocommit = True
        cursor = conn.cursor()
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    finally:
        conn.close()


def measure(function, runs: int) -> tuple[float, float]:
    """Median milliseconds of the whole call and of the SQL it runs (timed around each execute)."""
    from django.db import connection

    spent = [0.0]

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start

    function()  # warm the caches once
    totals, sql = [], []
    with connection.execute_wrapper(timed):
        for _ in range(runs):
            spent[0] = 0.0
            start = time.perf_counter()
            function()
            totals.append((time.perf_counter() - start) * 1000)
            sql.append(spent[0] * 1000)
    return statistics.median(totals), statistics.median(sql)


def build_data(target: int, seed: int):
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.demo import demo_code
    from catalog.models import Category, Organisation
    from disclosure.models import Item
    from search.backends import store_chunks_bulk
    from search.models import SearchEntry
    from township_portal.lib import search as textsearch

    township = Organisation.objects.filter(slug=TOWNSHIP).first()
    shaped = Organisation.objects.filter(slug="benchneighbour").exists()  # data of the current shape
    if township is not None and shaped and SearchEntry.objects.count() == target:
        print(f"reusing {target} items")
        return township
    print("emptying the scratch database")
    call_command("flush", interactive=False, verbosity=0)
    county = Organisation.objects.create(
        slug="benchcounty", kind="county", name="基准测试县人民政府", short_name="测试县", code=demo_code("9001")
    )
    township = Organisation.objects.create(
        slug=TOWNSHIP,
        kind="township",
        parent=county,
        name="分页测试乡人民政府",
        short_name="分页乡",
        code=demo_code("9003"),
    )
    offices = [
        Organisation.objects.create(
            slug=f"benchoffice{n}",
            kind="office",
            parent=township,
            name=f"分页测试乡第{n}办公室",
            short_name=f"第{n}办",
            code=demo_code(f"90{n}4"),
        )
        for n in (1, 2)
    ]
    publishers = [township, *offices]
    leaf = Category.objects.create(organisation=township, code="07", name="精准扶贫", order=7)
    parent = Category.objects.create(organisation=township, code="02", name="政策文件", order=2)
    children = [
        Category.objects.create(organisation=township, parent=parent, code=f"020{n}", name=f"政策文件{n}", order=n)
        for n in range(1, 5)
    ]
    other = Category.objects.create(organisation=township, code="05", name="其他信息", order=5)
    neighbour = Organisation.objects.create(
        slug="benchneighbour",
        kind="township",
        parent=county,
        name="邻乡人民政府",
        short_name="邻乡",
        code=demo_code("9005"),
    )
    elsewhere = Category.objects.create(organisation=neighbour, code="07", name="精准扶贫", order=7)
    user, _ = get_user_model().objects.get_or_create(username="bench-clerk")
    rng = random.Random(seed)
    start = timezone.make_aware(datetime.datetime(2015, 1, 1, 8))
    began, batch = time.perf_counter(), []
    for serial in range(target):
        roll = rng.random()
        category = leaf if roll < 0.3 else children[int((roll - 0.3) / 0.15)] if roll < 0.9 else other
        if rng.random() < 0.3:  # the neighbouring township's items share the table and its date index
            category = elsewhere
        published_at = start + datetime.timedelta(minutes=(serial // 3) * 100)
        title = "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))
        number = f"测府字〔{published_at.year}〕{serial}号" if rng.random() < 0.1 else ""
        item = Item(
            organisation=category.organisation,
            category=category,
            publisher=rng.choice(publishers) if category is not elsewhere else neighbour,
            title=title,
            summary=title,
            document_number=number,
            written_on=published_at.date(),
            created_by=user,
            status=Item.Status.PUBLISHED,
            published_at=published_at,
            index_number=f"PAGING/{published_at.year}-{serial:07d}",
        )
        batch.append((item, rng.random() < 0.2))
        if len(batch) == 2000 or serial == target - 1:
            write_batch(batch, connection, transaction, Item, SearchEntry, store_chunks_bulk, textsearch)
            batch = []
            done = serial + 1
            if done % 20000 == 0 or done == target:
                print(f"  {done} items ({done / (time.perf_counter() - began):.0f}/s)", flush=True)
    return township


def write_batch(batch, connection, transaction, Item, SearchEntry, store_chunks_bulk, textsearch):
    """Items, their entries (the fields ``index_item`` stores) and title-only chunks, in bulk."""
    with transaction.atomic():
        items = Item.objects.bulk_create([item for item, _ in batch])
        SearchEntry.objects.bulk_create(
            [
                SearchEntry(
                    item_id=item.pk,
                    organisation_id=item.organisation_id,
                    category_id=item.category_id,
                    publisher_id=item.publisher_id,
                    title=item.title,
                    title_folded=textsearch.fold(item.title),
                    index_number=item.index_number,
                    index_key=textsearch.identifier_key(item.index_number),
                    document_number=item.document_number,
                    document_key=textsearch.identifier_key(item.document_number),
                    published_at=item.published_at,
                    validity=item.validity,
                    has_document_number=bool(item.document_number),
                    has_attachments=files,
                )
                for item, (_, files) in zip(items, batch, strict=True)
            ]
        )
        store_chunks_bulk([(item.pk, textsearch.document_chunks([item.title])) for item in items])


def cases(township):
    """(name, what it is, url, params, function giving the params of the deep page)."""
    from django.conf import settings
    from django.db.models import Max, Min

    from catalog.models import Category
    from portal.filters import CategoryFilter
    from portal.frames import Frame
    from portal.paging import SORTS, _ordering
    from search.models import SearchEntry

    frame = Frame(township, list(Category.objects.filter(organisation=township, is_active=True)))
    size = settings.PORTAL_PAGE_SIZE
    first = SearchEntry.objects.filter(organisation=township).aggregate(
        first=Min("published_at"), last=Max("published_at")
    )
    year = (first["first"] + (first["last"] - first["first"]) / 2).year  # a year in the middle of the data

    def category_case(name, label, code, params):
        column = frame.by_code[code]
        entries = SearchEntry.objects.filter(category_id__in=frame.subtree_ids(column))
        filtered = CategoryFilter(params, queryset=entries, years=range(year + 10, 2000, -1))
        field, descending = SORTS[filtered.sort_order]

        def deep(depth):
            ordered = filtered.qs.order_by(*_ordering(field, descending, forward=True)).values_list("pk", flat=True)
            count = filtered.qs.count()
            row = max(0, min(depth, count - size) - 1)
            if count <= size:
                return params, 0, count
            return {**params, "after": ordered[row]}, row + 1, count

        return name, label, f"/{TOWNSHIP}/category/{code}/", params, deep

    def search_case(name, label, params):
        cap = settings.PORTAL_SEARCH_MAX_RESULTS

        def deep(depth):
            row = min(depth, cap - size)
            return {**params, "page": row // size + 1}, row // size * size, cap

        return name, label, "/search/", params, deep

    return [
        category_case("a-leaf-date", "leaf column, by date", "07", {}),
        category_case("b-parent-date", "parent column (4 children), by date", "02", {}),
        category_case("c-leaf-title", "leaf column, by title", "07", {"sort": "title"}),
        category_case("c-parent-title", "parent column, by title", "02", {"sort": "title"}),
        category_case("d-year-month", "parent column, year + month", "02", {"year": str(year), "month": "6"}),
        category_case("d-year-title", "parent column, year, by title", "02", {"year": str(year), "sort": "title"}),
        category_case("e-files", "parent column, has attachments", "02", {"has_attachments": "1"}),
        category_case("e-docno", "parent column, has document number", "02", {"has_document_number": "1"}),
        category_case("e-publisher", "parent column, one publisher", "02", {"publisher": str(township.pk)}),
        category_case("e-leaf-files", "leaf column, has attachments", "07", {"has_attachments": "1"}),
        search_case("f-search", "township search 扶贫 (page numbers)", {"q": "扶贫", "township": TOWNSHIP}),
        search_case("f-search-1char", "township search 救 (titles)", {"q": "救", "township": TOWNSHIP}),
    ]


def explain(connection, sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(row[0] for row in rows)
    return "\n".join(f"{'  ' * (1 if row[1] else 0)}{row[-1]}" for row in rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--deep", type=int, default=20000, help="the row the deep page starts at")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print the plans of the deep pages' slowest queries")
    parser.add_argument("--cases", default="", help="comma-separated case name prefixes (default: all)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url:
        sys.exit("Set DATABASE_URL to a scratch database whose name contains 'bench' (see the docstring).")
    if url.startswith("postgres"):
        ensure_postgres_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client

    settings.DEBUG = True  # count queries
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; {args.items} items")
    began = time.perf_counter()
    township = build_data(args.items, args.seed)
    print(f"data ready in {time.perf_counter() - began:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchentry")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    wanted = [prefix for prefix in args.cases.split(",") if prefix]
    print(f"\nmedian of {args.runs} runs, ms; deep page = the page starting at row {args.deep} or the last page")
    print("page = the whole request, sql = its queries (both median ms), q = number of queries")
    print(
        f"{'case':<16}{'rows':>8}{'page 1':>9}{'sql':>7}{'q':>4}{'deep row':>10}{'deep':>9}{'sql':>7}{'q':>4}  listing"
    )
    plans = []
    for name, label, path, params, deep in cases(township):
        if wanted and not any(name.startswith(prefix) for prefix in wanted):
            continue
        deep_params, row, count = deep(args.deep)
        results = []
        for query in (params, deep_params):
            reset_queries()
            response = client.get(path, query)
            assert response.status_code == 200, (name, response.status_code)
            captured = list(connection.queries)
            results.append((*measure(lambda path=path, query=query: client.get(path, query), args.runs), len(captured)))
        (first_ms, first_sql, first_q), (deep_ms, deep_sql, deep_q) = results
        print(
            f"{name:<16}{count:>8}{first_ms:>9.1f}{first_sql:>7.1f}{first_q:>4}{row:>10}{deep_ms:>9.1f}{deep_sql:>7.1f}"
            f"{deep_q:>4}  {label}",
            flush=True,
        )
        slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:2]
        plans.append((name, [(q["time"], q["sql"]) for q in slowest]))
    if args.explain:
        for name, queries in plans:
            print(f"\n=== {name}: slowest queries of the deep page")
            for seconds, sql in queries:
                print(f"--- {float(seconds) * 1000:.1f} ms: {sql[:600]}")
                print(explain(connection, sql))


if __name__ == "__main__":
    main()
