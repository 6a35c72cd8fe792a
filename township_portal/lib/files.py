"""Files that follow the database transaction.

Every file the portal writes beside a row (attachments, channel photos, report files,
application letters, ...) is saved through ``save_file`` inside ``atomic_with_files()``:

    with atomic_with_files():
        name = save_file(storage=Attachment.file.field.storage, name="attachments/2026/12/x.pdf", content=data)
        Attachment.objects.create(file=name, ...)

Guarantees:
- the file is written through Django's storage API (never a path joined onto MEDIA_ROOT),
  so an S3-compatible store works as well as the local disk;
- if the block raises (the transaction rolls back), every file saved inside it is deleted
  before the exception leaves the block;
- files are removed with ``delete_on_commit``: only once the row that pointed at them is
  gone for good, never before.

A process killed between the write and the commit can still leave a file without a row;
``manage.py storage_check`` lists such orphans and ``--repair`` removes them after a grace
period. Names are always fresh (``Storage.save`` never overwrites), so an orphan can never
hold the name a later, committed file needs.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager, suppress

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction

_state = threading.local()


def _pending() -> list[list[tuple[Storage, str]]]:
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


@contextmanager
def atomic_with_files(using: str | None = None):
    """``transaction.atomic()`` that also deletes the files saved inside it if it rolls back."""
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


def delete_on_commit(*, storage: Storage, name: str) -> None:
    """Delete a stored file once the current transaction commits (now, outside one)."""

    def _delete():
        with suppress(OSError):  # storage_check finds it later
            storage.delete(name)

    transaction.on_commit(_delete)
