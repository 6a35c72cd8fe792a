"""Throughput through gunicorn, measured with wrk: a public page uncached, cached, 304, against a bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale nice -n 15 .venv/bin/python bench/throughput.py

Run after scale_bench.py has filled the database. It starts redis-server (as the page
cache, the way production runs) and gunicorn with 2 workers on 127.0.0.1, saves the
item page's bytes so that the bare view (bench/bare_urls.py, same middleware) returns
exactly them, and runs ``wrk -t2 -c8 -d10s`` against each URL. ``BENCH_WORKERS`` (2, as the
issue measured) sets gunicorn's workers for every server alike. The cached page and the
bare view are measured in alternating rounds (BENCH_ROUNDS, 3) and their medians compared.

"Uncached" runs with the page cache off: the page is built every time, its fragments (the
township's frame) come from the shared cache as on a production server; the QR code is an
image of its own, not part of the page. "Each built once" runs with the cache on and asks for a different item
page every time (the newest 20,000, each once, as a crawler walks them): the page is never in
the cache, the township's frame is, as on a production server.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT, REDIS_PORT = 8731, 6391
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# The issue measured 2 workers; production runs 2 × cores + 1 (gunicorn.conf.py, WEB_CONCURRENCY).
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


# wrk's threads take every second path from their own start: no path is asked for twice.
EACH_ONCE = """
local paths, threads = {}, 0
for line in io.lines("PATHS") do paths[#paths + 1] = line end
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) next_path = id + 1 end
function request()
  local path = paths[next_path]
  next_path = next_path + 2
  if next_path > #paths then next_path = id + 1 end
  return wrk.format("GET", path)
end
"""


def wrk(url: str, *, duration: int, headers: list[str] = (), script: Path | None = None) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", *[part for h in headers for part in ("-H", h)]]
    command += ["-s", str(script), url] if script else [url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    duration = int(os.environ.get("BENCH_SECONDS", "10"))
    tmp = Path(tempfile.mkdtemp(prefix="throughput-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": "/tmp/scale-bench-static",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "PYTHONPATH": str(ROOT),
    }
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    servers = []
    try:
        item = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from search.models import SearchEntry;"
                "e = SearchEntry.objects.select_related('organisation').order_by('-published_at')[50];"
                "print(e.organisation.slug, e.pk);"
                "rows = SearchEntry.objects.order_by('-published_at').values_list('organisation__slug', 'pk');"
                "print('\\n'.join(f'/{slug}/items/{pk}/' for slug, pk in rows[:20000]), file=open("
                f"{str(tmp / 'paths.txt')!r}, 'w'))",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        url = f"http://127.0.0.1:{PORT}/{item[0]}/items/{item[1]}/"
        results = {}
        uncached = _gunicorn(env | {"PORTAL_PAGE_CACHE_SECONDS": "0"}, tmp, url, PORT)
        servers.append(uncached)
        page = urllib.request.urlopen(url)
        body, etag = page.read(), page.headers["ETag"]
        (tmp / "page.html").write_bytes(body)
        results["item page, uncached"] = [wrk(url, duration=duration)]
        results["item page, 304 (If-None-Match)"] = [wrk(url, duration=duration, headers=[f"If-None-Match: {etag}"])]
        uncached.terminate()
        uncached.wait()
        built = _gunicorn(env | {"PORTAL_PAGE_CACHE_SECONDS": "600"}, tmp, url, PORT)
        servers.append(built)
        script = tmp / "each_once.lua"
        script.write_text(EACH_ONCE.replace("PATHS", str(tmp / "paths.txt")))
        results["item pages, each built once (page cache on)"] = [
            wrk(f"http://127.0.0.1:{PORT}/", duration=duration, script=script)
        ]
        built.terminate()
        built.wait()
        # The cached page and the bare view run side by side and are measured in turns, so
        # that a neighbour's load falls on both alike; each figure is the median of the rounds.
        cached = _gunicorn(env | {"PORTAL_PAGE_CACHE_SECONDS": "600"}, tmp, url, PORT)
        bare_url = f"http://127.0.0.1:{PORT + 1}/bench-bare/"
        bare = _gunicorn(env | {"BENCH_BARE_FILE": str(tmp / "page.html")}, tmp, bare_url, PORT + 1)
        servers += [cached, bare]
        cached_label, cached_304 = "item page, from the page cache (Redis)", "item page, 304 from the page cache"
        results[cached_label], results[cached_304], baselines = [], [], []
        for _ in range(ROUNDS):
            results[cached_label].append(wrk(url, duration=duration))
            baselines.append(wrk(bare_url, duration=duration))
            results[cached_304].append(wrk(url, duration=duration, headers=[f"If-None-Match: {etag}"]))
        baseline = statistics.median(baselines)
        load = os.getloadavg()
        setup = f"wrk -t2 -c8 -d{duration}s, gunicorn {WORKERS} workers, {len(body):,} bytes"
        print(f"{setup}, load {load[0]:.1f}/{load[1]:.1f}")
        print(f"bare view rounds: {', '.join(f'{rate:,.0f}' for rate in baselines)} req/s")
        for label in (cached_label, cached_304):
            print(f"{label} rounds: {', '.join(f'{rate:,.0f}' for rate in results[label])} req/s")
        print("\n| what | req/s | bare view req/s | ratio |\n|---|---|---|---|")
        for label, rates in results.items():
            rate = statistics.median(rates)
            print(f"| {label} | {rate:,.0f} | {baseline:,.0f} | {rate / baseline:.2f}× |")
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
                server.wait()
        redis.terminate()
        redis.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _gunicorn(env, tmp, url, port):
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "township_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            # gunicorn's advice: the workers' heartbeat files in memory, not on a disk that may stall.
            "--worker-tmp-dir",
            "/dev/shm",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(tmp / "gunicorn.log"),
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"gunicorn did not start: {(tmp / 'gunicorn.log').read_text()[-2000:]}")


if __name__ == "__main__":
    main()
