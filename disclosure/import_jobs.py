"""Web imports run off the request: the page stores the files, the task worker imports, a page follows.

    job = import_job_start(organisation=..., spreadsheet=upload, attachments=zip_or_none, by=user, key=form_key)
    # redirect to the job's page; `manage.py db_worker` runs `import_job_run`

The same form posted twice (a replay, a double click) carries the same ``key`` and finds the
same job: the import runs once. The uploaded files are removed when the job ends.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from disclosure.importing import ImportIssue, ImportResult, import_items, importable_organisations
from disclosure.models import ImportJob
from township_portal.lib.files import atomic_with_files, delete_on_commit, save_field_file

MAX_STORED_ERRORS = 200
PROGRESS_EVERY = 50


def import_job_start(*, organisation, spreadsheet, attachments, by, key: uuid.UUID) -> ImportJob:
    """Store the uploads and queue the import; a second call with the same key returns the first job."""
    existing = ImportJob.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if not importable_organisations(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied("只有本机构的机构管理员可以批量导入已发布的信息。")
    try:
        with atomic_with_files():
            job = ImportJob(key=key, organisation=organisation, requested_by=by, spreadsheet_name=spreadsheet.name)
            save_field_file(instance=job, field="spreadsheet", filename="table", content=spreadsheet)
            if attachments is not None:
                save_field_file(instance=job, field="attachments", filename="files", content=attachments)
            job.save()
            transaction.on_commit(lambda: import_job_run.enqueue(job.pk))
    except IntegrityError:
        return ImportJob.objects.get(key=key)  # the same submission, a moment earlier
    return job


@task()
def import_job_run(job_id: int) -> str:
    """Run one queued import (once: the worker that moves it from queued to running does it)."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(status=ImportJob.Status.RUNNING):
        return "already taken"
    job = ImportJob.objects.select_related("organisation", "requested_by").get(pk=job_id)

    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job_id).update(stage=stage, done=done, total=total)

    spreadsheet = job.spreadsheet.open("rb")
    spreadsheet.name = job.spreadsheet_name
    attachments = job.attachments.open("rb") if job.attachments else None
    try:
        result = import_items(
            organisation=job.organisation,
            spreadsheet=spreadsheet,
            attachments_dir_or_zip=attachments,
            by=job.requested_by,
            progress=progress,
        )
    except PermissionDenied as error:  # the role was taken away while the job waited
        result = ImportResult(errors=[ImportIssue(str(error))])
    except Exception:
        result = ImportResult(
            errors=[ImportIssue("导入时发生内部错误，未导入任何信息；系统管理员可在任务记录中查看原因。")]
        )
        _finish(job, result)
        raise
    finally:
        spreadsheet.close()
        if attachments is not None:
            attachments.close()
    _finish(job, result)
    return job.status


def _finish(job: ImportJob, result: ImportResult) -> None:
    with atomic_with_files():
        job.refresh_from_db()
        job.status = ImportJob.Status.DONE if result.ok else ImportJob.Status.REFUSED
        job.item_count = len(result.items)
        job.attachment_count = result.attachment_count
        job.error_count = len(result.errors)
        job.errors = [str(issue) for issue in result.errors[:MAX_STORED_ERRORS]]
        job.warnings = result.warnings[:MAX_STORED_ERRORS]
        job.items = [[item.pk, item.index_number, item.title] for item in result.items[:1000]]
        job.finished_at = timezone.now()
        for field in ("spreadsheet", "attachments"):
            stored = getattr(job, field)
            if stored:
                delete_on_commit(storage=stored.storage, name=stored.name)
                setattr(job, field, "")
        job.save()
