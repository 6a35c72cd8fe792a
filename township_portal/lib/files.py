"""Files that follow the database transaction.

Every file the portal writes beside a row (attachments, channel photos, report files,
application letters, ...) is saved through ``save_file`` inside ``atomic_with_files()``:

    with atomic_with_files():
        name = save_file(storage=Attachment.file.field.storage, name="attachments/2026/12/x.pdf", content=data)
        Attachment.objects.create(file=name, ...)

or, for a model's FileField (its ``upload_to`` applied), ``save_field_file``:

    @atomic_with_files()
    def letter_store(...):
        letter = Letter(...)
        save_field_file(instance=letter, field="file", filename="reply.pdf", content=pdf)
        letter.save()

Guarantees:
- the file is written through Django's storage API (never a path joined onto MEDIA_ROOT),
  so an S3-compatible store works as well as the local disk;
- if the block raises (the transaction rolls back), every file saved inside it is deleted
  before the exception leaves the block; make ``atomic_with_files`` the outermost
  transaction of the work (it may be nested in itself, and may contain plain
  ``transaction.atomic`` blocks): a plain ``transaction.atomic`` around it that rolls back
  later cannot be seen here;
- files are removed with ``delete_on_commit``: only once the row that pointed at them is
  gone for good, never before.

A process killed between the write and the commit can still leave a file without a row;
``manage.py storage_check`` lists such orphans and ``--repair`` removes them after a grace
period. Names are always fresh (``Storage.save`` never overwrites), so an orphan can never
hold the name a later, committed file needs; names shown to people (download names) live
in the rows, never in the storage name.

Work that needs scratch files on the local disk (unpacking an import) uses
``staging_folder()``: the folder is removed in every outcome, and one left by a killed
process is removed by ``storage_check --repair``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.shortcuts import render

logger = logging.getLogger(__name__)

_state = threading.local()


def _pending() -> list[list[tuple[Storage, str]]]:
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


@contextmanager
def atomic_with_files(using: str | None = None):
    """``transaction.atomic()`` that also deletes the files saved inside it if it rolls back.

    Usable as a decorator too: ``@atomic_with_files()``.
    """
    stack = _pending()
    stack.append([])
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        for storage, name in stack.pop():
            with suppress(OSError):  # storage_check finds it later
                storage.delete(name)
        raise
    else:
        saved = stack.pop()
        if stack:
            # Nested block: the outer one still decides whether these files stay.
            stack[-1].extend(saved)


def save_file(*, storage: Storage, name: str, content: bytes | File) -> str:
    """Save ``content`` under a fresh name derived from ``name``; returns the stored name.

    Must run inside ``atomic_with_files()`` so that a rollback removes the file.
    """
    stack = _pending()
    if not stack:
        raise RuntimeError("save_file must run inside atomic_with_files()")
    if isinstance(content, bytes):
        content = ContentFile(content)
    stored = storage.save(name, content)
    stack[-1].append((storage, stored))
    return stored


def save_field_file(*, instance, field: str, filename: str, content: bytes | File) -> str:
    """Save ``content`` for ``instance.<field>`` (its ``upload_to`` and storage) and point the field at it.

    The row itself is not saved; do that in the same ``atomic_with_files()`` block.
    """
    model_field = instance._meta.get_field(field)
    stored = save_file(
        storage=model_field.storage, name=model_field.generate_filename(instance, filename), content=content
    )
    setattr(instance, field, stored)
    return stored


def delete_on_commit(*, storage: Storage, name: str) -> None:
    """Delete a stored file once the current transaction commits (now, outside one)."""

    def _delete():
        with suppress(OSError):  # storage_check finds it later
            storage.delete(name)

    transaction.on_commit(_delete, robust=True)


# --- Local scratch folders ---------------------------------------------------------------------

_STAGING_PREFIX = "staging-"


def staging_root() -> Path:
    """Where scratch folders live: ``FILE_STAGING_ROOT`` (default: the system temp folder's ``township-portal``)."""
    root = getattr(settings, "FILE_STAGING_ROOT", None) or Path(tempfile.gettempdir()) / "township-portal"
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    return root


@contextmanager
def staging_folder(purpose: str = "work") -> Iterator[Path]:
    """A private scratch folder on the local disk, removed when the block ends, however it ends.

    Its name carries the process id, so ``stale_staging_folders`` can tell a folder of a
    live process from one a killed process left behind.
    """
    path = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{purpose}-{os.getpid()}-", dir=staging_root()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_staging_folders(*, older_than_seconds: float) -> list[Path]:
    """Scratch folders whose process is gone, or that are older than the grace period."""
    stale = []
    now = time.time()
    for path in sorted(staging_root().glob(f"{_STAGING_PREFIX}*")):
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue
        parts = path.name.split("-")
        pid = int(parts[2]) if len(parts) > 3 and parts[2].isdigit() else None
        if (pid is not None and pid != os.getpid() and not _process_alive(pid)) or age > older_than_seconds:
            stale.append(path)
    return stale


def remove_staging_folder(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# --- A stored file that is not there ---------------------------------------------------------


def file_unavailable(request, *, name: str, problem: str = "missing"):
    """The Chinese page for a row whose stored file is missing or damaged: 503, logged once, never a 500.

    A missing file is the operator's to fix (a restore without MEDIA_ROOT, a lost disk), so
    the answer says the file is temporarily unavailable and ``storage_check`` names it.
    """
    logger.warning("Stored file %s is %s (see manage.py storage_check)", name, problem)
    response = render(request, "file_unavailable.html", {"damaged": problem != "missing"}, status=503)
    response.headers["Retry-After"] = "3600"
    response._has_been_logged = True  # one line: ours, with the file's name, not django.request's too
    return response
