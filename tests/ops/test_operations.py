"""What an operator relies on: timeouts, a health check that answers in time, readable logs, gunicorn's file."""

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psycopg2
from django.conf import settings
from django.db import connection

from tests.ops.conftest import REPO
from tests.postgres import requires_postgres
from township_portal.lib import health
from township_portal.lib.logs import FORMAT, RepeatedErrorFilter, RequestIdFilter, SingleLineFormatter

GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")


def test_healthz_answers_ok_quickly(client, db):
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"
    assert time.monotonic() - started < 1.0


@requires_postgres("a connection that can hang on a lock")
def test_healthz_answers_503_within_a_second_while_the_database_hangs(client, db):
    db_settings = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=db_settings["NAME"],
        user=db_settings["USER"],
        password=db_settings["PASSWORD"] or None,
        host=db_settings["HOST"],
        port=db_settings["PORT"] or 5432,
    )
    try:
        with blocker.cursor() as cursor:  # a transaction holding the lock: every reader of the table waits
            cursor.execute("LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE")
        for _ in range(3):
            started = time.monotonic()
            response = client.get("/healthz")
            assert time.monotonic() - started < 1.0
            assert response.status_code == 503
            assert response.json() == {"status": "error", "database": "unavailable", "reason": "timeout"}
    finally:
        blocker.rollback()
        blocker.close()
        if health._stuck is not None:
            health._stuck.join(15)
    assert client.get("/healthz").status_code == 200


@requires_postgres("its connection options")
def test_postgresql_connections_have_connect_and_statement_timeouts(db):
    options = connection.settings_dict["OPTIONS"]
    assert options["connect_timeout"] == 5
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "10s"


def test_a_stuck_query_ends_with_an_error_instead_of_hanging(tmp_path):
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return  # SQLite has no server that can hang; its lock wait is bounded by "timeout" (20 s)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    script = (
        "from django.db import connection, OperationalError\n"
        "import time\nstarted = time.monotonic()\n"
        "try:\n    connection.cursor().execute('SELECT pg_sleep(5)')\n"
        "except OperationalError as e:\n"
        "    print('cancelled', round(time.monotonic() - started, 1), type(e).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url, "DB_STATEMENT_TIMEOUT_MS": "300"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines()[-1].startswith("cancelled 0."), result.stdout + result.stderr


def test_every_response_carries_a_request_id_and_a_sane_one_from_the_proxy_is_kept(client, db):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 16
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-1a2b3c4d"})["X-Request-ID"] == "nginx-1a2b3c4d"
    assert client.get("/healthz", headers={"X-Request-ID": "bad id\nforged"})["X-Request-ID"] != "bad id\nforged"


def test_log_lines_carry_time_level_logger_and_request_id_and_a_repeated_traceback_is_written_once():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RepeatedErrorFilter(window=60))
    handler.setFormatter(SingleLineFormatter(FORMAT))
    log = logging.getLogger("tests.ops.outage")
    log.addHandler(handler)
    log.propagate = False
    try:
        for _ in range(200):
            try:
                raise ConnectionError("could not connect to server:\nConnection refused")
            except ConnectionError:
                log.exception("Internal Server Error: /shuangxi/")
        log.warning("数据库已恢复")
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    lines = [line for line in text.splitlines() if line[:2] == "20"]
    assert len(lines) == 201  # one line per error
    assert text.count("Traceback (most recent call last)") == 1
    assert lines[0].split(" ")[1:4] == ["ERROR", "tests.ops.outage", "[-]"]
    assert re.match(r"^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$", lines[0].split(" ")[0])
    assert "repeated x200" in lines[199]
    assert lines[-1].endswith("WARNING tests.ops.outage [-] 数据库已恢复")
    assert len(text) < 40_000


def test_a_database_outage_answers_503_pages_and_logs_one_traceback(tmp_path):
    script = (
        "from django.test import Client\nc = Client()\n"
        "print(' '.join(str(c.get('/').status_code) for _ in range(20)))\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere", "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines()[-1].split() == ["503"] * 20, result.stdout + result.stderr[-2000:]
    records = re.split(r"^(?=20\d\d-)", result.stderr, flags=re.MULTILINE)
    records = [record for record in records if "Database unavailable" in record]
    assert len(records) == 20
    # The first keeps its traceback (with its chained cause); the 19 others are one line each.
    assert "Traceback (most recent call last)" in records[0]
    assert all(len(record.strip().splitlines()) == 1 for record in records[1:]), records[1]
    assert len(result.stderr) < 20_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_gunicorn_runs_from_the_repository_config_logs_access_with_the_request_id_and_reloads_gracefully(tmp_path):
    port = _free_port()
    database = tmp_path / "empty.sqlite3"
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "township_portal.wsgi"],
        cwd=REPO,
        env={
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        for _ in range(100):
            try:
                status, headers = _get(url)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start")
        assert status == 503  # an empty database: no tables yet
        request_id = headers["X-Request-ID"]
        server.send_signal(signal.SIGHUP)  # graceful reload: new workers, old ones finish
        time.sleep(2)
        assert _get(url)[0] == 503
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert '"GET /healthz HTTP/1.1" 503' in output and f"rid={request_id}" in output
    assert "handling signal: hup" in output.lower()
    # Each worker, the first and the one the reload started, froze what it loaded.
    frozen = [int(count) for count in re.findall(r"worker \d+: (\d+) objects frozen", output)]
    assert len(frozen) >= 2 and min(frozen) > 10_000, output[-2000:]


def test_the_gunicorn_timeout_fits_the_slowest_upload_and_workers_restart_gracefully():
    printed = subprocess.run(
        [GUNICORN, "--print-config", "-c", "gunicorn.conf.py", "township_portal.wsgi"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    config = dict(line.split(" = ", 1) for line in printed.splitlines() if " = " in line)
    config = {key.strip(): value.strip() for key, value in config.items()}
    assert int(config["timeout"]) >= 120  # ten text-heavy PDFs checked in one upload
    assert int(config["graceful_timeout"]) >= 30 and int(config["max_requests"]) > 0
    assert config["accesslog"] == "-"
