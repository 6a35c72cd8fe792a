"""Generate N published items and measure search and category-page latency.

Usage (never against a database you care about; the script refuses to run without
DATABASE_URL so it cannot fill the development database by accident):

    DATABASE_URL=sqlite:////tmp/portal-bench.sqlite3 .venv/bin/python bench/portal_bench.py --items 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/portal_bench.py --items 100000

Items are added until the bench township holds N; run it again with a larger N to grow
the data. It prints the median of several runs for: the search query alone, the whole
search page, the category page 1 and a page near the end (keyset), the same depth by
OFFSET for comparison, and a LIKE scan as the baseline full-text search replaces.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township_portal.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WORDS = [
    "扶贫",
    "脱贫",
    "低保",
    "救助",
    "精准",
    "资金",
    "使用",
    "情况",
    "公示",
    "通知",
    "关于",
    "做好",
    "工作",
    "乡镇",
    "村委会",
    "农村",
    "城乡",
    "居民",
    "医疗",
    "养老",
    "保险",
    "补贴",
    "发放",
    "名单",
    "标准",
    "调整",
    "危房",
    "改造",
    "项目",
    "建设",
    "实施",
    "方案",
    "年度",
    "计划",
    "总结",
    "报告",
    "财政",
    "预算",
    "决算",
    "三公",
    "经费",
    "人事",
    "任免",
    "招聘",
    "安全",
    "生产",
    "检查",
    "防汛",
    "抗旱",
    "森林",
    "防火",
    "土地",
    "流转",
    "宅基地",
    "征收",
    "补偿",
    "义务",
    "教育",
    "卫生",
    "健康",
    "食品",
    "药品",
    "监管",
    "文化",
    "服务",
    "法律",
    "援助",
    "就业",
    "培训",
    "社会",
    "保障",
    "政策",
    "解读",
]
PUNCTUATION = "，。、；：（）"


def sentence(rng: random.Random, words: int) -> str:
    text = "".join(rng.choice(WORDS) for _ in range(words))
    if rng.random() < 0.3:
        text += f"{rng.randint(2015, 2025)}年{rng.randint(1, 12)}月"
    return text + rng.choice(PUNCTUATION)


def median_ms(function, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def setup_data(target: int, seed: int):
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from catalog.demo import demo_code
    from catalog.models import Category, Organisation
    from disclosure.models import Item
    from search.indexing import index_item

    county, _ = Organisation.objects.get_or_create(
        slug="benchcounty",
        defaults={"kind": "county", "name": "基准测试县人民政府", "short_name": "测试县", "code": demo_code("9001")},
    )
    township, _ = Organisation.objects.get_or_create(
        slug="benchtown",
        defaults={
            "kind": "township",
            "parent": county,
            "name": "基准测试乡人民政府",
            "short_name": "测试乡",
            "code": demo_code("9002"),
        },
    )
    column, _ = Category.objects.get_or_create(organisation=township, code="07", defaults={"name": "精准扶贫"})
    user, _ = get_user_model().objects.get_or_create(username="bench-clerk")
    have = Item.objects.filter(organisation=township).count()
    rng = random.Random(seed + have)
    start = timezone.make_aware(datetime.datetime(2015, 1, 1, 8))
    batch, created = [], 0
    began = time.perf_counter()
    for serial in range(have, target):
        long_text = rng.random() < 0.05
        body = "".join(f"<p>{sentence(rng, rng.randint(8, 30))}</p>" for _ in range(60 if long_text else 6))
        published_at = start + datetime.timedelta(minutes=serial * 37)
        batch.append(
            Item(
                organisation=township,
                category=column,
                publisher=township,
                title=sentence(rng, rng.randint(3, 8))[:-1],
                summary=sentence(rng, 10),
                body=body,
                document_number=f"测府字〔{published_at.year}〕{serial}号" if serial % 10 == 0 else "",
                written_on=published_at.date(),
                created_by=user,
                status=Item.Status.PUBLISHED,
                published_at=published_at,
                index_number=f"BENCH/{published_at.year}-{serial:07d}",
            )
        )
        if len(batch) == 1000 or serial == target - 1:
            with transaction.atomic():
                for item in Item.objects.bulk_create(batch):
                    index_item(item)
            created += len(batch)
            batch = []
            rate = created / (time.perf_counter() - began)
            print(f"  {have + created} items ({rate:.0f} items/s indexed)", flush=True)
    return township, column


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a scratch database (see the docstring).")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.db.models import Q
    from django.test import Client

    from disclosure.models import Item
    from search.models import SearchEntry
    from search.queries import capped_count, search_entries
    from township_portal.lib.search import parse_query

    settings.DEBUG = True  # count queries
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; preparing {args.items} items")
    township, column = setup_data(args.items, args.seed)
    total = SearchEntry.objects.filter(category=column).count()
    client = Client()

    print(f"\nsearch over {SearchEntry.objects.count()} entries (median of 5, ms)")
    print(f"{'query':<12}{'hits':>8}{'index':>10}{'page':>10}{'LIKE':>10}")
    for raw in ["扶贫", "石狮", "危房改造", "2017年", "土地流转补偿", "低保标准调整的", "救"]:
        query = parse_query(raw)
        hits, capped = capped_count(search_entries(query), 1000)

        def indexed(query=query):
            entries = search_entries(query)
            list(entries[:20])
            capped_count(entries, 1000)

        def like(raw=raw):
            match = Q(title__contains=raw) | Q(summary__contains=raw) | Q(body__contains=raw)
            rows = Item.objects.filter(match, status="published")
            list(rows.order_by("-published_at")[:20])
            rows.values("pk")[:1001].count()

        page_ms = median_ms(lambda raw=raw: client.get("/search/", {"q": raw}))
        shown = f"{hits}{'+' if capped else ''}"
        print(f"{raw:<12}{shown:>8}{median_ms(indexed):>10.1f}{page_ms:>10.1f}{median_ms(like):>10.1f}")

    ordered = SearchEntry.objects.filter(category=column).order_by("-published_at", "-pk")
    deep_offset = max(0, total - 40)
    deep_cursor = ordered.values_list("pk", flat=True)[deep_offset]
    url = f"/{township.slug}/category/{column.code}/"
    print(f"\ncategory page over {total} items (median of 5, ms)")
    for label, params in [("page 1", {}), (f"row {deep_offset} (keyset)", {"after": deep_cursor})]:
        reset_queries()
        client.get(url, params)
        queries = len(connection.queries)
        print(f"  {label:<28}{median_ms(lambda params=params: client.get(url, params)):>8.1f}   {queries} queries")
    size = settings.PORTAL_PAGE_SIZE
    offset_ms = median_ms(lambda: list(ordered[deep_offset : deep_offset + size]))
    first_ms = median_ms(lambda: list(ordered[:size]))
    print(f"  rows alone, page 1: {first_ms:.1f}; same depth by OFFSET: {offset_ms:.1f}")


if __name__ == "__main__":
    main()
