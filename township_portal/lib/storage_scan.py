"""Compare the stored files with the rows that point at them (``manage.py storage_check``).

Every ``FileField`` of every installed model is looked at, so a new app's files (letters,
photos) are covered without registering anything. Only the storage API is used: the same
check runs against the local disk and an S3-compatible store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

from township_portal.lib.files import stale_staging_folders


@dataclass(frozen=True)
class Orphan:
    """A stored file no row points at."""

    storage: Storage
    name: str
    modified: datetime | None

    def age_seconds(self, now: datetime) -> float | None:
        return None if self.modified is None else (now - self.modified).total_seconds()


@dataclass(frozen=True)
class MissingFile:
    """A row whose file is not in its storage."""

    model: str
    pk: object
    field: str
    name: str


@dataclass
class StorageScan:
    orphans: list[Orphan] = field(default_factory=list)
    missing: list[MissingFile] = field(default_factory=list)
    stale_staging: list[Path] = field(default_factory=list)
    files_seen: int = 0
    rows_seen: int = 0


def file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model, model_field


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _modified(storage: Storage, name: str) -> datetime | None:
    try:
        return storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return None


def storage_scan(*, staging_grace_seconds: float = 86400) -> StorageScan:
    """Files without rows, rows without files, and scratch folders left by dead processes."""
    scan = StorageScan()
    by_storage: dict[int, tuple[Storage, list[tuple[type[models.Model], models.FileField]]]] = {}
    for model, model_field in file_fields():
        by_storage.setdefault(id(model_field.storage), (model_field.storage, []))[1].append((model, model_field))
    for storage, fields in by_storage.values():
        stored = set(_walk(storage))
        scan.files_seen += len(stored)
        referenced: set[str] = set()
        for model, model_field in fields:
            rows = model._default_manager.exclude(**{model_field.attname: ""}).exclude(
                **{f"{model_field.attname}__isnull": True}
            )
            for pk, name in rows.values_list("pk", model_field.attname).iterator(chunk_size=2000):
                scan.rows_seen += 1
                referenced.add(name)
                if name not in stored:
                    scan.missing.append(MissingFile(model._meta.label, pk, model_field.name, name))
        for name in sorted(stored - referenced):
            scan.orphans.append(Orphan(storage, name, _modified(storage, name)))
    scan.stale_staging = stale_staging_folders(older_than_seconds=staging_grace_seconds)
    return scan


def orphans_past_grace(scan: StorageScan, *, grace_seconds: float) -> list[Orphan]:
    """Orphans old enough that no transaction can still be about to commit their row."""
    now = timezone.now()
    return [o for o in scan.orphans if (age := o.age_seconds(now)) is not None and age >= grace_seconds]
