"""The files the 附件 column names: in a folder or a ZIP, never outside it."""

import os
import re
import unicodedata
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile

from disclosure.attachments import (
    too_big_error,
)
from disclosure.importing.results import ImportIssue, ImportResult
from township_portal.lib.bounded import shown


class AttachmentSource(ABC):
    """The files the 附件 column may name, by their path inside the folder or ZIP."""

    def __init__(self, paths: list[str]):
        self.paths = {unicodedata.normalize("NFC", path): path for path in paths}
        self.by_basename: dict[str, list[str]] = {}
        for path in self.paths:
            self.by_basename.setdefault(PurePosixPath(path).name, []).append(path)
        self.used: set[str] = set()

    def find(self, name: str) -> str:
        wanted = unicodedata.normalize("NFC", name.replace("\\", "/").strip()).removeprefix("./")
        if _unsafe_zip_path(wanted):
            raise LookupError(f"附件名“{shown(name)}”指向附件文件夹之外，不予接受。")
        if wanted in self.paths:
            return wanted
        candidates = self.by_basename.get(PurePosixPath(wanted).name, []) if "/" not in wanted else []
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise LookupError(f"附件“{shown(name)}”有多个同名文件（{'、'.join(candidates)}），请写明所在文件夹。")
        raise LookupError(f"找不到附件文件“{shown(name)}”。")

    @abstractmethod
    def open(self, path: str) -> File:
        """The file at `path` (a key of `self.paths`), opened for reading."""

    def close(self) -> None:  # noqa: B027 - a folder holds nothing open; a ZIP overrides this
        """Release what the source holds open."""


class _FolderSource(AttachmentSource):
    def __init__(self, root: Path):
        self.root = root.resolve()
        paths = []
        for directory, subdirectories, files in os.walk(self.root):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
            for file_name in files:
                full = Path(directory) / file_name
                if file_name.startswith(".") or full.is_symlink():
                    continue
                paths.append(full.relative_to(self.root).as_posix())
        super().__init__(paths)

    def open(self, path: str) -> File:
        full = (self.root / self.paths[path]).resolve()
        if not full.is_relative_to(self.root):
            raise LookupError(f"附件“{path}”不在附件文件夹内。")
        return File(full.open("rb"), name=PurePosixPath(path).name)


class _ZipSource(AttachmentSource):
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = _zip_member_name(info)
            parts = PurePosixPath(name).parts
            if parts[0] == "__MACOSX" or parts[-1].startswith("."):
                continue
            self.members[unicodedata.normalize("NFC", name)] = info
        super().__init__(list(self.members))

    def open(self, path: str) -> File:
        info = self.members[path]
        name = PurePosixPath(path).name
        if info.file_size > settings.ATTACHMENT_MAX_BYTES:
            raise too_big_error(name, info.file_size)
        with self.archive.open(info) as stream:
            return ContentFile(stream.read(settings.ATTACHMENT_MAX_BYTES + 1), name=name)

    def close(self) -> None:
        self.archive.close()


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author saw it: Chinese Windows tools write GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def _unsafe_zip_path(name: str) -> bool:
    path = name.replace("\\", "/")
    return path.startswith("/") or re.match(r"^[A-Za-z]:", path) is not None or ".." in path.split("/")


def attachment_source(location, result: ImportResult) -> AttachmentSource | None:
    if location is None or location == "":
        return None
    if isinstance(location, str | os.PathLike) and Path(location).is_dir():
        return _FolderSource(Path(location))
    try:
        archive = zipfile.ZipFile(location if not isinstance(location, str | os.PathLike) else Path(location))
        infos = archive.infolist()
    except FileNotFoundError:
        result.errors.append(ImportIssue(f"找不到附件文件夹或压缩包“{location}”。", column="附件"))
        return None
    except (zipfile.BadZipFile, OSError, ValueError):
        result.errors.append(ImportIssue("附件包不是有效的 ZIP 压缩包。", column="附件"))
        return None
    if len(infos) > settings.ATTACHMENT_MAX_PARTS:
        archive.close()
        result.errors.append(
            ImportIssue(
                f"附件包包含 {len(infos)} 个文件，"
                f"超过了 {settings.ATTACHMENT_MAX_PARTS} 个的上限（文件数上限），请分批导入。",
                column="附件",
            )
        )
        return None
    unsafe = [_zip_member_name(info) for info in infos if _unsafe_zip_path(_zip_member_name(info))]
    links = [_zip_member_name(info) for info in infos if (info.external_attr >> 16) & 0o170000 == 0o120000]
    if unsafe or links:
        archive.close()
        listed = "、".join(shown(path) for path in (unsafe + links)[:3])
        result.errors.append(
            ImportIssue(
                f"压缩包中含有指向压缩包之外的路径或链接（{listed}），可能是恶意构造的，已拒绝整个压缩包。",
                column="附件",
            )
        )
        return None
    return _ZipSource(archive)
