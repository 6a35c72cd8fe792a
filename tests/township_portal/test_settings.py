"""Start-up refuses bad environment values with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 60


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "yes"}, "DEBUG='yes' is not a boolean"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "portal.example.gov.cn"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x"}, "SECRET_KEY must be at least 50"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_SECRET}, "ALLOWED_HOSTS must be set"),
        ({"DATABASE_URL": "postgres://user@host:notaport/db"}, "DATABASE_URL="),
        ({"DATABASE_URL": "mysql://root@127.0.0.1/portal"}, "only SQLite and PostgreSQL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL='nonsense' is not a database URL"),
        ({"CONN_MAX_AGE": "ten"}, "CONN_MAX_AGE='ten' is not an integer"),
        ({"ATTACHMENT_MAX_BYTES": "-5"}, "ATTACHMENT_MAX_BYTES=-5 must be at least"),
    ],
)
def test_bad_environment_value_stops_start_up_naming_the_variable(env, message):
    result = run_check(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_no_variables_at_all_runs_on_sqlite():
    result = run_check()
    assert result.returncode == 0, result.stderr


def test_production_variables_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
            "DEBUG": "0",
            "SECRET_KEY": "k3y-" + "a1b2c3d4e5f6g7h8" * 4,
            "ALLOWED_HOSTS": "zwgk.shangyou.gov.cn",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_uses_persistent_connections():
    from township_portal.lib.env import env_database

    config = env_database("NO_SUCH_VARIABLE", "postgres://postgres@127.0.0.1:5432/test", conn_max_age=600)
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


def test_sqlite_writers_queue_instead_of_failing_with_database_locked():
    from township_portal.lib.env import env_database

    config = env_database("NO_SUCH_VARIABLE", "sqlite:///portal.sqlite3", conn_max_age=0)
    assert config["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}
