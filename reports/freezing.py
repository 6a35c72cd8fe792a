"""Frozen versions of reports (monthly and annual): their files, each format rendered once and stored
with its size and SHA-256, and the county office's decision on them."""

import hashlib
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from reports import access
from township_portal.lib.files import save_field_file


def version_files_write(
    *,
    version,
    file_model,
    document,
    renderers: dict[str, Callable],
    stored_name: Callable[[str], str],
) -> dict[str, str]:
    """Render `document` in every format of `renderers` and store each as a `file_model` row of `version`.

    `file_model` is a concrete `reports.models.FrozenFile`; `stored_name(format)` is the file's
    name under the field's `upload_to`; the name people download is `document.file_stem` plus
    the format. Must run inside `atomic_with_files()`, so that a failure leaves neither a row
    nor a file. Returns the SHA-256 of each format.
    """
    checksums = {}
    for file_format, render in renderers.items():
        data = render(document)
        checksums[file_format] = hashlib.sha256(data).hexdigest()
        stored = file_model(
            version=version,
            format=file_format,
            download_name=f"{document.file_stem}.{file_format}",
            size=len(data),
            sha256=checksums[file_format],
        )
        save_field_file(instance=stored, field="file", filename=stored_name(file_format), content=data)
        stored.save()
    return checksums


def version_decide(
    *,
    version,
    report_model,
    decision_model,
    by,
    outcome: str,
    comment: str,
    at,
    action_prefix: str,
    what: str,
    error: type[Exception],
):
    """The county office accepts or returns the latest submitted version of a report (monthly or annual).

    Guarantees: only the county's office decides; only the newest version of a report still
    submitted; the decision's outcome becomes the report's status (the outcome values are
    statuses); audited as ``<action_prefix>.<outcome>``. Call inside a transaction.
    """
    organisation = version.report.organisation
    if not access.can_decide(by, organisation):
        raise PermissionDenied(f"只有本县政务公开办可以接收或退回{what}。")
    report = report_model.objects.select_for_update().get(pk=version.report_id)
    latest = report.versions.aggregate(latest=Max("number"))["latest"]
    if report.status != report_model.Status.SUBMITTED or version.number != latest:
        raise error("该版本已处理过或已有新版本，不能再接收或退回。")
    decision = decision_model.objects.create(
        version=version, outcome=outcome, comment=comment, decided_by=by, decided_at=at or timezone.now()
    )
    before = report.status
    report.status = outcome
    report.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        action=f"{action_prefix}.{outcome}",
        obj=version,
        organisation=organisation,
        before={"status": before},
        after={"status": report.status},
        note=comment,
    )
    return decision
