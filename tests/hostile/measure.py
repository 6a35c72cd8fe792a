"""Run one parser on one file in a fresh process and print its outcome, seconds and peak memory.

    python -m tests.hostile.measure attachment|catalog|items <path> <name>

Peak memory is the whole process's (Django loaded included), from getrusage: what the
server's worker would reach.
"""

import json
import os
import resource
import sys
import time

import django


def main(kind: str, path: str, name: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township_portal.settings")
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.transfer import CatalogFileError, parse_catalog_file
    from disclosure.attachments import attachment_check
    from disclosure.importing import ImportResult, _read_spreadsheet

    with open(path, "rb") as file:
        data = file.read()
    started = time.monotonic()
    refusal = None
    if kind == "attachment":
        try:
            attachment_check(SimpleUploadedFile(name, data))
        except ValidationError as error:
            refusal = error.messages[0]
    elif kind == "catalog":
        try:
            parse_catalog_file(name, data)
        except CatalogFileError as error:
            refusal = str(error)
    else:
        result = ImportResult()
        _read_spreadsheet(path, result)
        refusal = "；".join(str(issue) for issue in result.errors) or None
    return {
        "refusal": refusal,
        "seconds": time.monotonic() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4]), ensure_ascii=False))
