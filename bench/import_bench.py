"""``import_items`` of N generated rows (CSV, no attachments) into a scratch database: time and queries.

    DATABASE_URL=sqlite:////tmp/bench_import.sqlite3 nice -n 15 .venv/bin/python bench/import_bench.py --rows 10000

Refuses a database whose name lacks ``bench``. Each run flushes the database, loads the
demo organisations and catalog, and imports the rows into 双溪乡 as a superuser; it prints
the rows per second, the number of queries and the time spent in SQL.
"""

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township_portal.settings")

HEADER = ["索引号", "标题", "目录分类", "发布机构", "文号", "成文日期", "发布日期", "有效性", "废止日期"]
HEADER += ["内容概述", "正文", "关键词", "附件"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("Set DATABASE_URL to a scratch database whose name contains 'bench'.")
    if url.startswith("postgres"):
        from bench.scale_bench import ensure_postgres_database

        ensure_postgres_database(url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bench.scale_bench import SUBJECTS, VILLAGES, body
    from catalog import demo
    from catalog.models import Category, Organisation
    from disclosure.importing import import_items

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    demo.load_organisations()
    demo.load_catalog()
    township = Organisation.objects.get(slug="shuangxi")
    categories = list(Category.objects.filter(organisation=township, is_active=True, children__isnull=True))
    user = get_user_model().objects.create_superuser("bench-admin", password="x" * 20)
    rng = random.Random(1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for serial in range(args.rows):
        year = 2018 + serial % 8
        subject, village = rng.choice(SUBJECTS), rng.choice(VILLAGES)
        text = body(rng, subject, village, rare=False).replace("</p><p>", "\n").replace("<p>", "").replace("</p>", "")
        number = f"{township.code}/{year}-{serial + 1:05d}" if serial % 2 else ""
        writer.writerow(
            [number, f"关于{village}{year}年{subject}的公告", rng.choice(categories).code, "", "", f"{year}-03-01"]
            + [f"{year}-03-0{1 + serial % 8}", "", "", f"{subject}有关情况。", text, subject, ""]
        )
    data = io.BytesIO(out.getvalue().encode("utf-8"))
    data.name = "bench.csv"
    state = {"queries": 0, "sql": 0.0}

    def timed(execute, sql, params, many, context):
        state["queries"] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            state["sql"] += time.perf_counter() - started

    began = time.perf_counter()
    with connection.execute_wrapper(timed):
        result = import_items(organisation=township, spreadsheet=data, by=user)
    elapsed = time.perf_counter() - began
    if result.errors:
        sys.exit("\n".join(map(str, result.errors[:20])))
    print(
        f"{connection.vendor}: {len(result.items):,} rows in {elapsed:.1f} s"
        f" ({len(result.items) / elapsed:,.0f} rows/s),"
        f" {state['queries']:,} queries, {state['sql']:.1f} s in SQL, load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
