"""Bulk import of items a township already published on its old site (how it moves over).

The input is a spreadsheet (XLSX, or CSV in UTF-8 or GBK) with one item per row and the
column names in the first row, plus a folder or ZIP holding the files its 附件 column
names. Items arrive already published, with their original index numbers and publish
dates (a row without an index number gets the next one of the organisation's own format,
and imported numbers in that format move its counter on, so none is handed out twice).
Everything is checked before anything is written: categories, publishing bodies,
dates, index numbers (unique in the file and in the database), each attachment by its
content. Any error means nothing is imported; each error names its row and column.
Attachment files are written only after all rows passed, inside the one transaction,
and removed again if it fails (`township_portal.lib.files`); the checked files wait in a
staging folder that is removed in every outcome (one left by a killed process is removed
by `storage_check --repair`). The search entries are written in the same transaction.
"""

from django.core.exceptions import PermissionDenied

from catalog.access import staff_of
from catalog.models import Organisation
from disclosure.importing.checking import check_rows
from disclosure.importing.results import ImportIssue, ImportResult, Progress
from disclosure.importing.sheet import name_of, read_spreadsheet
from disclosure.importing.sources import attachment_source
from disclosure.importing.writing import write_items
from township_portal.lib.files import staging_folder

__all__ = ["ImportIssue", "ImportResult", "import_items", "importable_organisations"]


def importable_organisations(user):
    """Disclosing bodies whose old items the user may import: their own, as its administrator.

    Imported items are published without review (they were reviewed on the old site), so
    only the organisation administrator, not every author, may bring them in.
    """
    disclosing = Organisation.objects.exclude(kind=Organisation.Kind.OFFICE)
    if user is None:
        return disclosing.none()
    if user.is_superuser:
        return disclosing
    staff = staff_of(user)
    if staff is None or not staff.is_org_admin:
        return disclosing.none()
    return disclosing.filter(pk=staff.organisation_id)


def import_items(*, organisation, spreadsheet, attachments_dir_or_zip=None, by, progress: Progress | None = None):
    """Import already-published items from a spreadsheet and their files; all rows or none.

    ``spreadsheet``: a path or an open file (XLSX or CSV). ``attachments_dir_or_zip``: a
    folder path, a ZIP path or an open ZIP file, or None. ``progress(stage, done, total)``
    is called as rows are checked ("检查") and imported ("导入").

    Guarantees: if any row or file is wrong the result lists every error by row and column
    and nothing is written (no item, no file); otherwise every row becomes a published item
    with its website channel, its attachments (checked by content, images without EXIF), an
    audit event, and its search entry, all in one transaction.
    """
    if not importable_organisations(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied("只有本机构的机构管理员可以批量导入已发布的信息。")
    progress = progress or (lambda stage, done, total: None)
    result = ImportResult()
    with staging_folder("import") as staging:
        rows = read_spreadsheet(spreadsheet, result)
        if result.errors:
            return result
        source = attachment_source(attachments_dir_or_zip, result)
        if result.errors:
            return result
        try:
            planned = check_rows(organisation, rows, source, staging, result, progress)
        finally:
            if source is not None:
                source.close()
        if result.errors:
            return result
        write_items(organisation, planned, by, result, progress, spreadsheet_name=name_of(spreadsheet))
    return result
