"""Rebuild the search index in bulk, in parallel, resumably; or check it for drift.

manage.py search_rebuild                 # everything, one process
manage.py search_rebuild --jobs 2        # PostgreSQL: batches spread over 2 processes
manage.py search_rebuild --since 2026-12-01T03:00:00+00:00   # resume: skip entries indexed since then
manage.py search_rebuild --check         # report drift only (nightly); exits 1 when there is some
"""

import datetime
import multiprocessing
import sys
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search.backends import settle_index
from search.indexing import index_items, touch_organisations
from search.models import SearchEntry


def _item_model():
    # Looked up by name: the disclosure app imports search, never the other way round.
    return apps.get_model("disclosure", "Item")


def _index_batch(ids: list[int]) -> tuple[int, set[int]]:
    return len(ids), index_items(_item_model(), ids)


def drift() -> dict[str, list[int]]:
    """Items published but missing from the index, indexed but not public, or changed since indexed."""
    Item = _item_model()
    published = Item.objects.filter(status="published")
    return {
        "missing": list(published.filter(search_entry__isnull=True).values_list("pk", flat=True).order_by("pk")),
        "not_public": list(
            SearchEntry.objects.exclude(item__status="published").values_list("pk", flat=True).order_by("pk")
        ),
        "stale": list(
            published.filter(search_entry__indexed_at__lt=F("updated_at")).values_list("pk", flat=True).order_by("pk")
        ),
    }


class Command(BaseCommand):
    help = "Rebuild the search index of every item (after restoring a backup or changing how text is indexed)."

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=1, help="processes (PostgreSQL; SQLite uses one)")
        parser.add_argument("--batch", type=int, default=1000, help="items per transaction")
        parser.add_argument("--since", help="resume: skip items whose entry was indexed at or after this time")
        parser.add_argument("--check", action="store_true", help="only report drift; exit status 1 when found")

    def handle(self, *args, jobs, batch, since, check, **options):
        if check:
            return self._check()
        Item = _item_model()
        ids = Item.objects.filter(status="published")
        if since:
            moment = parse_datetime(since)
            if moment is None:
                raise CommandError(f"--since 不是有效的时间：{since}（例如 2026-12-01T03:00:00+00:00）")
            ids = ids.filter(~Q(search_entry__indexed_at__gte=moment) | Q(search_entry__isnull=True))
        ids = list(ids.values_list("pk", flat=True).order_by("pk"))
        ids += SearchEntry.objects.exclude(item__status="published").values_list("pk", flat=True)
        started = timezone.now()
        self.stdout.write(
            f"共 {len(ids):,} 条待索引。如中断，可运行 search_rebuild --since {started.isoformat()} 继续。"
        )
        batches = [ids[start : start + max(1, batch)] for start in range(0, len(ids), max(1, batch))]
        jobs = 1 if connection.vendor == "sqlite" else max(1, jobs)
        touched: set[int] = set()
        done, began = 0, time.perf_counter()
        if jobs == 1:
            results = map(_index_batch, batches)
            for count, organisations in results:
                done += count
                touched |= organisations
                self._progress(done, len(ids), began)
        else:
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for count, organisations in pool.imap_unordered(_index_batch, batches):
                    done += count
                    touched |= organisations
                    self._progress(done, len(ids), began)
        self.stdout.write("\n正在整理索引……")
        self.stdout.flush()
        merged = settle_index()
        touch_organisations(touched)
        elapsed = time.perf_counter() - began
        rate = done / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"已重建检索索引：{done:,} 条，用时 {elapsed:.1f} 秒（每秒 {rate:,.0f} 条；"
                f"合并了 {merged:,} 页待合并的索引）。"
            )
        )

    def _progress(self, done: int, total: int, began: float) -> None:
        elapsed = time.perf_counter() - began
        rate = done / elapsed if elapsed else 0
        left = datetime.timedelta(seconds=round((total - done) / rate)) if rate else "?"
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        line = f"\r[{bar}] {done:,}/{total:,} 每秒 {rate:,.0f} 条 剩余约 {left}"
        self.stdout.write(line, ending="")
        self.stdout.flush()

    def _check(self):
        began = time.perf_counter()
        found = drift()
        labels = {"missing": "已发布但不在索引中", "not_public": "在索引中但未公开", "stale": "索引后又有修改"}
        for key, label in labels.items():
            sample = "、".join(map(str, found[key][:10]))
            self.stdout.write(f"{label}：{len(found[key])} 条" + (f"（例如 {sample}）" if sample else ""))
        self.stdout.write(f"检查用时 {time.perf_counter() - began:.2f} 秒。")
        if found["missing"] or found["not_public"]:
            self.stdout.write("运行 search_rebuild 修复。")
            sys.exit(1)
