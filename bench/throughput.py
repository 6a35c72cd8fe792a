"""Throughput through gunicorn, measured with wrk: a public page uncached, cached, 304, against a bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale nice -n 15 .venv/bin/python bench/throughput.py

Run after scale_bench.py has filled the database. It starts redis-server (as the page
cache, the way production runs) and gunicorn with 2 workers on 127.0.0.1, saves the
item page's bytes so that the bare view (bench/bare_urls.py, same middleware) returns
exactly them, and runs ``wrk -t2 -c8 -d10s`` against each URL.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT, REDIS_PORT = 8731, 6391


def wrk(url: str, *, duration: int, headers: list[str] = ()) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", *[part for h in headers for part in ("-H", h)], url]
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
                "print(e.organisation.slug, e.pk)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        url = f"http://127.0.0.1:{PORT}/{item[0]}/items/{item[1]}/"
        results = {}
        for cache_seconds in ("0", "600"):
            started = _gunicorn(env | {"PORTAL_PAGE_CACHE_SECONDS": cache_seconds}, tmp, url)
            servers.append(started)
            page = urllib.request.urlopen(url)
            body, etag = page.read(), page.headers["ETag"]
            (tmp / "page.html").write_bytes(body)
            if cache_seconds == "0":
                results["item page, uncached"] = wrk(url, duration=duration)
                results["item page, 304 (If-None-Match)"] = wrk(
                    url, duration=duration, headers=[f"If-None-Match: {etag}"]
                )
            else:
                results["item page, from the page cache (Redis)"] = wrk(url, duration=duration)
            started.terminate()
            started.wait()
        bare = _gunicorn(env | {"BENCH_BARE_FILE": str(tmp / "page.html")}, tmp, url)
        servers.append(bare)
        baseline = wrk(f"http://127.0.0.1:{PORT}/bench-bare/", duration=duration)
        bare.terminate()
        bare.wait()
        load = os.getloadavg()
        print(f"wrk -t2 -c8 -d{duration}s, gunicorn 2 workers, {len(body):,} bytes, load {load[0]:.1f}/{load[1]:.1f}")
        print("\n| what | req/s | bare view req/s | ratio |\n|---|---|---|---|")
        for label, rate in results.items():
            print(f"| {label} | {rate:,.0f} | {baseline:,.0f} | {rate / baseline:.2f}× |")
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
                server.wait()
        redis.terminate()
        redis.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _gunicorn(env, tmp, url):
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "township_portal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
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
