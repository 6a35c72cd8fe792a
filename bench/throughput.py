"""Throughput through gunicorn, measured with wrk: a public page uncached, cached, 304, against a bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale nice -n 15 .venv/bin/python bench/throughput.py

Run after scale_bench.py has filled the database. It starts redis-server (as the page
cache, the way production runs) and gunicorn with 2 workers on 127.0.0.1, saves the
item page's bytes so that the bare view (bench/bare_urls.py, same middleware) returns
exactly them, and runs ``wrk -t2 -c8 -d10s`` against each URL, in turns with the bare view for
BENCH_ROUNDS (3) rounds. ``BENCH_WORKERS`` (2, as the issue measured) sets gunicorn's workers
for every server alike.

"Uncached" runs with the page cache off: the page is built every time, its fragments (the
township's frame) come from the shared cache or the process as on a production server; the QR
code is an image of its own, not part of the page. "Each built once" runs with the cache on and
asks for a different item page every time (the newest 60,000, each once, as a crawler walks them): the page is never in
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
                "print('\\n'.join(f'/{slug}/items/{pk}/' for slug, pk in rows[:60000]), file=open("
                f"{str(tmp / 'paths.txt')!r}, 'w'))",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        url = f"http://127.0.0.1:{PORT}/{item[0]}/items/{item[1]}/"
        server = _gunicorn(env | {"PORTAL_PAGE_CACHE_SECONDS": "0"}, tmp, url, PORT)
        servers.append(server)
        page = urllib.request.urlopen(url)
        body, etag = page.read(), page.headers["ETag"]
        (tmp / "page.html").write_bytes(body)
        bare_url = f"http://127.0.0.1:{PORT + 1}/bench-bare/"
        servers.append(_gunicorn(env | {"BENCH_BARE_FILE": str(tmp / "page.html")}, tmp, bare_url, PORT + 1))
        # Each round its own items (the newest 60,000 dealt out in turn): a page asked for in an
        # earlier round would come from the cache.
        every = (tmp / "paths.txt").read_text().splitlines()
        scripts = []
        for number in range(ROUNDS):
            (tmp / f"paths{number}.txt").write_text("\n".join(every[number::ROUNDS]) + "\n")
            scripts.append(tmp / f"each_once{number}.lua")
            scripts[-1].write_text(EACH_ONCE.replace("PATHS", str(tmp / f"paths{number}.txt")))
        revalidate = [f"If-None-Match: {etag}"]
        # Each page is measured in turns with the bare view, round after round, so that a
        # neighbour's load (this machine's speed drifts by a fifth within minutes) falls on both
        # alike: a row's ratio is the median of its rounds against the median of the bare view's
        # rounds beside it.
        phases = [
            ("0", [("item page, uncached", url, [], None), ("item page, 304 (If-None-Match)", url, revalidate, None)]),
            ("600", [("item pages, each built once (page cache on)", f"http://127.0.0.1:{PORT}/", [], scripts)]),
            (
                "600",
                [
                    ("item page, from the page cache (Redis)", url, [], None),
                    ("item page, 304 from the page cache", url, revalidate, None),
                ],
            ),
        ]
        rows = []
        for seconds, measured in phases:
            if server is None:
                server = _gunicorn(env | {"PORTAL_PAGE_CACHE_SECONDS": seconds}, tmp, url, PORT)
                servers.append(server)
            rates, bares = {label: [] for label, *_ in measured}, []
            for number in range(ROUNDS):
                for label, target, headers, lua in measured:
                    lua = lua[number] if lua else None
                    rates[label].append(wrk(target, duration=duration, headers=headers, script=lua))
                bares.append(wrk(bare_url, duration=duration))
            rows += [(label, rates[label], bares) for label in rates]
            server.terminate()
            server.wait()
            server = None
        load = os.getloadavg()
        setup = f"wrk -t2 -c8 -d{duration}s, gunicorn {WORKERS} workers, {len(body):,} bytes, {ROUNDS} rounds"
        print(f"{setup}, load {load[0]:.1f}/{load[1]:.1f}")
        print("\n| what | req/s (rounds) | bare view req/s (rounds) | ratio |\n|---|---|---|---|")
        for label, rates, bares in rows:
            rate, bare = statistics.median(rates), statistics.median(bares)
            print(f"| {label} | {rate:,.0f} ({_listed(rates)}) | {bare:,.0f} ({_listed(bares)}) | {rate / bare:.2f}× |")
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
                server.wait()
        redis.terminate()
        redis.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _listed(rates) -> str:
    return ", ".join(f"{rate:,.0f}" for rate in rates)


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
