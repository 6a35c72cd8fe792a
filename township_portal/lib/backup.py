"""Back up and restore the database and the stored files together, and prove the restore is whole.

A backup is one folder:

    database.dump       pg_dump --format=custom (PostgreSQL), or database.sqlite3 (SQLite)
    media/...           every stored file, under its storage name
    manifest.json       when, which database, the row count of every table, each file's SHA-256

``backup_verify`` is the restore drill: it compares the database and the storage now with
the manifest (every table's row count, every file's checksum) and checks every row that
records a SHA-256 of its file (attachments, report files) against the file's content. It
is run after every restore and can be run on its own.

Only the storage API is used for the files, so the same commands back up an S3 bucket.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connections
from django.utils import timezone

from township_portal.lib.storage_scan import _walk, file_fields

MANIFEST = "manifest.json"
PROJECT_APPS = ("audit", "catalog", "search", "disclosure", "portal", "reports")


class BackupError(Exception):
    """Something that stops a backup or restore; the message says what, in Chinese."""


@dataclass
class DrillResult:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    files_checked: int = 0
    rows_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _storage() -> Storage:
    storages = {id(f.storage): f.storage for _, f in file_fields()}
    if len(storages) != 1:
        raise BackupError("备份只支持所有文件字段使用同一个存储（STORAGES['default']）。")
    return next(iter(storages.values()))


def _counts() -> dict[str, int]:
    counts = {}
    for config in apps.get_app_configs():
        if config.label in PROJECT_APPS or config.name.startswith("django.contrib.auth"):
            for model in config.get_models():
                if not model._meta.proxy and model._meta.managed:
                    counts[model._meta.label] = model._base_manager.count()
    return dict(sorted(counts.items()))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        return handle.read()


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["--host", db["HOST"], "--port", str(db["PORT"] or 5432), "--username", db["USER"] or "postgres"]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[-2000:]}")


def backup_create(folder: Path, *, using: str = "default") -> dict:
    """Write the database, every stored file and the manifest into ``folder`` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"备份目录 {folder} 不是空的，请换一个新目录。")
    folder.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    db = connection.settings_dict
    counts = _counts()
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        target = folder / "database.dump"
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", "-f", str(target), db["NAME"]], env)
    else:
        connection.ensure_connection()
        target = sqlite3.connect(folder / "database.sqlite3")
        with target:
            connection.connection.backup(target)
        target.close()
    storage = _storage()
    files = {}
    for name in sorted(_walk(storage)):
        data = _read(storage, name)
        path = folder / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[name] = {"size": len(data), "sha256": _sha256(data)}
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "counts": counts,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} 中没有 {MANIFEST}，不是本系统的备份目录。") from None


def backup_restore(folder: Path, *, using: str = "default") -> DrillResult:
    """Replace the database and put back every stored file from ``folder``; then run the drill."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    connection = connections[using]
    if manifest["database"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['database']} 数据库，当前配置的是 {connection.vendor}。")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        connections.close_all()
        args, env = _pg_env(db)
        _run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--dbname",
                db["NAME"],
                str(folder / "database.dump"),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(folder / "database.sqlite3")
        source.backup(connection.connection)
        source.close()
    storage = _storage()
    for name, meta in manifest["files"].items():
        data = (folder / "media" / name).read_bytes()
        if _sha256(data) != meta["sha256"]:
            raise BackupError(f"备份中的文件 {name} 已损坏（SHA-256 不一致），未恢复该文件。")
        if storage.exists(name):
            if _sha256(_read(storage, name)) == meta["sha256"]:
                continue
            storage.delete(name)
        stored = storage.save(name, ContentFile(data))
        if stored != name:
            raise BackupError(f"文件 {name} 无法按原名恢复（存储给出了 {stored}）。")
    return backup_verify(folder)


def backup_verify(folder: Path) -> DrillResult:
    """The restore drill: row counts, file checksums and the rows' own SHA-256 against the files."""
    manifest = read_manifest(folder)
    result = DrillResult(counts=_counts())
    for label, expected in manifest["counts"].items():
        found = result.counts.get(label)
        if found != expected:
            result.problems.append(f"{label}：备份时 {expected} 条，现在 {found} 条")
    storage = _storage()
    for name, meta in manifest["files"].items():
        result.files_checked += 1
        try:
            digest = _sha256(_read(storage, name))
        except OSError:
            result.problems.append(f"缺少文件 {name}")
            continue
        if digest != meta["sha256"]:
            result.problems.append(f"文件 {name} 的 SHA-256 与备份时不同")
    for model, model_field in file_fields():
        if "sha256" not in {f.name for f in model._meta.concrete_fields}:
            continue
        for pk, name, recorded in model._base_manager.values_list("pk", model_field.attname, "sha256").iterator():
            if not name:
                continue
            result.rows_checked += 1
            try:
                digest = _sha256(_read(storage, name))
            except OSError:
                result.problems.append(f"{model._meta.label} #{pk} 的文件 {name} 不存在")
                continue
            if digest != recorded:
                result.problems.append(f"{model._meta.label} #{pk} 的文件 {name} 与记录的 SHA-256 不一致")
    return result
