"""The four writes the kill and failure tests interrupt, run from plain values (pks, paths).

Used in the test process (failure injection) and in the child process that is killed.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.dateparse import parse_datetime

from catalog.models import Organisation
from disclosure import services
from disclosure.importing import import_items
from disclosure.models import Item
from reports.months import Month
from reports.services import report_submit


def perform(operation: str, spec: dict):
    users = get_user_model().objects
    if operation == "import":
        return import_items(
            organisation=Organisation.objects.get(slug=spec["organisation"]),
            spreadsheet=spec["spreadsheet"],
            attachments_dir_or_zip=spec["attachments"],
            by=users.get(username=spec["by"]),
        )
    if operation == "upload":
        data = Path(spec["file"]).read_bytes()
        return services.attachment_add(
            item=Item.objects.get(pk=spec["item"]),
            uploaded_file=SimpleUploadedFile(Path(spec["file"]).name, data),
            by=users.get(username=spec["by"]),
        )
    if operation == "publish":
        return services.item_publish(item=Item.objects.get(pk=spec["item"]), by=users.get(username=spec["by"]))
    if operation == "report":
        return report_submit(
            organisation=Organisation.objects.get(slug=spec["organisation"]),
            month=Month.parse(spec["month"]),
            by=users.get(username=spec["by"]),
            at=parse_datetime(spec["at"]),
        )
    raise ValueError(operation)
