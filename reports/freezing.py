"""Writing a frozen version's files: each format rendered once, stored with its size and SHA-256."""

import hashlib
from collections.abc import Callable

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
