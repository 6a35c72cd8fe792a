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


def _peak_mb() -> float:
    """This process's peak resident memory since the reset in main() (VmHWM), else getrusage's."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(kind: str, path: str, name: str) -> dict:
    # getrusage's peak survives exec, so it would count the pytest process this one was forked
    # from; reset the kernel's peak (VmHWM) to this process's own.
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "township_portal.settings")
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.transfer import CatalogFileError, parse_catalog_file
    from disclosure.attachments import attachment_check
    from disclosure.importing.results import ImportResult
    from disclosure.importing.sheet import read_spreadsheet

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
        read_spreadsheet(path, result)
        refusal = "；".join(str(issue) for issue in result.errors) or None
    return {
        "refusal": refusal,
        "seconds": time.monotonic() - started,
        "peak_mb": _peak_mb(),
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4]), ensure_ascii=False))
