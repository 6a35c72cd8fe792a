"""Attachments: what may be uploaded, how it is stored, and the text inside it.

An upload is judged by its content, never by its name. The first bytes say what the file
is (PDF, OFD, an Office Open XML package, an old OLE2 compound document, an image); for a
ZIP-based file the package's ``[Content_Types].xml`` must name the main part of the kind
the file claims to be, so a renamed ZIP or a macro-enabled document is refused. A file
whose content is a known kind but whose extension says another (a PNG named ``.pdf``) is
refused as a mismatch rather than silently renamed: the person uploading it most likely
picked the wrong file. Web pages, SVG, scripts and executables are refused by name.

Accepted, with the text extracted for search and the personal-data scan:
PDF (pypdf), OFD (GB/T 33190, the text of its pages), DOCX (paragraphs and tables, also
headers and footers), XLSX (every cell of every sheet), PPTX (the text of its slides).

Accepted by signature only, without text: DOC, XLS, PPT and Kingsoft WPS's own WPS, ET
and DPS, all OLE2 compound files (D0 CF 11 E0) that only the extension tells apart. Their
content is not scanned for personal data; reviewers must open them.

Images (JPEG, PNG, GIF, WebP) are decoded by Pillow and re-encoded: EXIF (GPS position,
camera, owner), XMP and comments are dropped, the EXIF orientation is applied first so the
picture stays upright. An image with more pixels than ``ATTACHMENT_MAX_IMAGE_PIXELS`` is
refused before it is decoded (a decompression bomb), as is anything Pillow's own guard
warns about. ``image_check`` applies the same checks where only a picture will do (the
photo of a bulletin-board posting recorded with a channel).

Files are stored under a generated name (``attachments/<year>/<month>/<uuid>.<ext>``);
the original file name is kept in the row and given back on download.
"""

import hashlib
import io
import re
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from audit.services import audit_record
from disclosure.models import Attachment
from township_portal.lib.bounded import (
    Deadline,
    LimitExceeded,
    SheetLimits,
    megabytes,
    open_workbook,
    sheet_rows,
    zip_limits,
)
from township_portal.lib.cleaning import UNUSABLE_FILE_NAME
from township_portal.lib.files import atomic_with_files, save_field_file

# Extracted text is kept for search and the scan; a bigger text is cut here.
MAX_TEXT_CHARS = 5_000_000

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

ALLOWED_SUMMARY = (
    "PDF、OFD、Word（doc/docx）、Excel（xls/xlsx）、PowerPoint（ppt/pptx）、WPS（wps/et/dps）、图片（jpg/png/gif/webp）"
)


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one given to a name without extension


PDF = FileKind("PDF 文档", "application/pdf", (".pdf",))
OFD = FileKind("OFD 版式文档", "application/ofd", (".ofd",))
DOCX = FileKind("Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileKind("Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileKind(
    "PowerPoint 演示文稿", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)
)
JPEG = FileKind("JPEG 图片", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif"))
PNG = FileKind("PNG 图片", "image/png", (".png",))
GIF = FileKind("GIF 图片", "image/gif", (".gif",))
WEBP = FileKind("WebP 图片", "image/webp", (".webp",))

# OLE2 compound files: the container is the same for all of them, the extension names the
# program. Kingsoft's WPS/ET/DPS are binary-compatible with Word/Excel/PowerPoint.
OLE2_KINDS = {
    ".doc": FileKind("Word 97-2003 文档", "application/msword", (".doc",)),
    ".wps": FileKind("WPS 文字文档", "application/msword", (".wps",)),
    ".xls": FileKind("Excel 97-2003 表格", "application/vnd.ms-excel", (".xls",)),
    ".et": FileKind("WPS 表格", "application/vnd.ms-excel", (".et",)),
    ".ppt": FileKind("PowerPoint 97-2003 演示文稿", "application/vnd.ms-powerpoint", (".ppt",)),
    ".dps": FileKind("WPS 演示文稿", "application/vnd.ms-powerpoint", (".dps",)),
}

# The main part of each Office Open XML package, as [Content_Types].xml names it.
OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
IMAGE_FORMATS = {"JPEG": JPEG, "PNG": PNG, "GIF": GIF, "WEBP": WEBP}
# What survives re-encoding: colour profile, transparency and animation timing; never
# EXIF, XMP or comments.
IMAGE_INFO_KEPT = ("icc_profile", "transparency", "duration", "loop", "background", "disposal")
EXIF_ORIENTATION = 0x0112

TEXT_KINDS = frozenset({PDF, OFD, DOCX, XLSX, PPTX})

# Characters never kept in a file name: controls, and the bidirectional overrides that
# make "gpj.exe" display as "exe.jpg".
_UNSAFE_NAME_CHARS = re.compile("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class CheckedFile:
    """An upload that passed the checks, ready to be stored.

    ``data`` is what will be written (the re-encoded image, or the upload itself);
    ``size`` and ``sha256`` describe those bytes.
    """

    original_name: str
    kind: FileKind
    data: File | None  # None once the bytes were moved elsewhere (the import's staging folder)
    size: int
    sha256: str
    text: str
    # The text of a long PDF is extracted by the task queue after the upload (`text_jobs`).
    text_pending: bool = False

    @property
    def extension(self) -> str:
        return _extension(self.original_name)

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def attachment_check(uploaded_file: File, *, name: str | None = None, defer_text: bool = False) -> CheckedFile:
    """Judge an upload by its content; raise ValidationError (in Chinese) if it is refused.

    Writes nothing: neither a file nor a row. ``name`` overrides the upload's own name.
    With ``defer_text``, a PDF whose text takes longer than ``ATTACHMENT_SYNC_TEXT_SECONDS``
    to extract is not refused nor held in the request: every page's content is still
    inflated under the limits here (a bomb is refused at once), and the checked file comes
    back with ``text_pending`` for the task queue to extract (`disclosure.text_jobs`).
    """
    return _check(uploaded_file, name=name, images_only=False, defer_text=defer_text)


def image_check(uploaded_file: File, *, name: str | None = None) -> CheckedFile:
    """Judge an upload that must be a picture (a bulletin-board photo); raise ValidationError if refused.

    The same checks as an attachment (size limit, content not name, decompression-bomb
    guard), but only JPEG, PNG, GIF and WebP pass; the picture is re-encoded without EXIF
    (GPS position, camera). Writes nothing.
    """
    return _check(uploaded_file, name=name, images_only=True)


def _check(uploaded_file: File, *, name: str | None, images_only: bool, defer_text: bool = False) -> CheckedFile:
    original_name = clean_file_name(name if name is not None else uploaded_file.name or "")
    if not original_name or original_name == UNUSABLE_FILE_NAME or not original_name.strip("."):
        raise ValidationError(
            "文件名无法使用（为空、只有“.”或含有路径）。请把文件改成一个普通的名字（如“通知.pdf”）后重新上传。",
            code="no_name",
        )
    size = uploaded_file.size
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    if size == 0:
        raise ValidationError(f"“{original_name}”是空文件（0 字节），请检查后重新上传。", code="empty")
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise too_big_error(original_name, size)

    uploaded_file.seek(0)
    head = uploaded_file.read(2048)
    try:
        kind = _kind_from_content(head, uploaded_file, original_name)
    except ValidationError:
        if not images_only:
            raise
        kind = None
    if images_only and kind not in IMAGE_FORMATS.values():
        what = f"（而是{kind.label}）" if kind else ""
        raise ValidationError(
            f"“{original_name}”不是图片{what}。请上传 JPEG、PNG、GIF 或 WebP 格式的照片。", code="not_image"
        )

    extension = _extension(original_name)
    if not extension:
        original_name = _shorten(original_name + kind.extensions[0])
    elif extension not in kind.extensions:
        raise ValidationError(
            f"文件内容与扩展名不符：“{original_name}”的扩展名是 {extension}，内容却是 {kind.label}。"
            "请确认选择的文件是否正确。",
            code="mismatch",
        )

    if kind in IMAGE_FORMATS.values():
        data = _reencode_image(uploaded_file, kind, original_name)
        text = ""
    else:
        uploaded_file.seek(0)
        data = uploaded_file
        soft = Deadline(settings.ATTACHMENT_SYNC_TEXT_SECONDS, name=original_name) if defer_text else None
        text = _extract_text(uploaded_file, kind, original_name, soft=soft)

    digest, stored_size = _digest(data)
    return CheckedFile(
        original_name=original_name,
        kind=kind,
        data=data,
        size=stored_size,
        sha256=digest,
        text=(text or "")[:MAX_TEXT_CHARS],
        text_pending=text is None,
    )


def stored_text(attachment: Attachment) -> str:
    """The text of a stored attachment, extracted with the queue's longer time budget.

    Raises ValidationError (in Chinese) when it cannot be read within the limits.
    """
    kind = next((k for k in TEXT_KINDS if k.content_type == attachment.content_type), None)
    if kind is None:
        return ""
    with attachment.file.open("rb") as handle:
        text = _extract_text(handle, kind, attachment.original_name, seconds=settings.ATTACHMENT_QUEUE_PARSE_SECONDS)
    return (text or "")[:MAX_TEXT_CHARS]


def too_big_error(name: str, size: int) -> ValidationError:
    limit = settings.ATTACHMENT_MAX_BYTES
    return ValidationError(
        f"“{name}”大小为 {_megabytes(size)}，超过了 {_megabytes(limit)} 的上限。请压缩或拆分后再上传。",
        code="too_big",
    )


def attachment_store(*, item, checked: CheckedFile, by, order: int = 0, audit: bool = True) -> Attachment:
    """Write a checked file under a generated name and record its row (and audit event).

    No rules about the item are checked here: staff attach files through
    `disclosure.services.attachment_add` (drafts only, by an editor); the import uses this
    for the items it creates as published. The file follows the transaction
    (`township_portal.lib.files`): removed again if the row cannot be written.
    """
    attachment = Attachment(
        item=item,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        text=checked.text,
        text_state=Attachment.TextState.PENDING if checked.text_pending else Attachment.TextState.READY,
        order=order,
    )
    with atomic_with_files():
        save_field_file(instance=attachment, field="file", filename=generated_name(checked), content=checked.data)
        attachment.save()
        if checked.text_pending:
            from disclosure.text_jobs import queue_text

            queue_text(attachment)
        if audit:
            audit_record(
                actor=by,
                action="attachment.add",
                obj=attachment,
                organisation=item.organisation,
                after=attachment_snapshot(attachment),
                note=f"公开信息“{item}”",
            )
    return attachment


def attachment_snapshot(attachment: Attachment) -> dict:
    return {
        "item": attachment.item_id,
        "original_name": attachment.original_name,
        "stored_as": attachment.file.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }


def generated_name(checked: CheckedFile) -> str:
    """A storage name that says nothing about the content; upload_to adds the year/month folder."""
    return f"{uuid.uuid4().hex}{checked.extension}"


def clean_file_name(name: str) -> str:
    """The name a person gave the file, without folders, control or direction-override characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_NAME_CHARS.sub("", name).strip()
    return _shorten(name)


def _shorten(name: str, limit: int = 255) -> str:
    if len(name) <= limit:
        return name
    extension = _extension(name)
    return name[: limit - len(extension)] + extension


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or " " in extension or len(extension) > 10:
        return ""
    return "." + extension.lower()


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _digest(data: File) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    data.seek(0)
    for chunk in data.chunks():
        sha.update(chunk)
        size += len(chunk)
    data.seek(0)
    return sha.hexdigest(), size


# --- What a file is -------------------------------------------------------------------------


def _kind_from_content(head: bytes, file: File, name: str) -> FileKind:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(OLE2_SIGNATURE):
        return _ole2_kind(name)
    if head.startswith(ZIP_SIGNATURE):
        return office_package_kind(file, name)
    if head.startswith((b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")):
        raise ValidationError(f"“{name}”是压缩包。压缩包中的文件无法检查，请解压后逐个上传。", code="archive")
    _refuse_dangerous(head, name)
    raise ValidationError(f"“{name}”不是可接受的文件类型。可上传：{ALLOWED_SUMMARY}。", code="unsupported")


def _ole2_kind(name: str) -> FileKind:
    extension = _extension(name)
    if extension in OLE2_KINDS:
        return OLE2_KINDS[extension]
    raise ValidationError(
        f"文件内容与扩展名不符：“{name}”是 Office/WPS 97-2003 格式的文件，扩展名应为 doc、xls、ppt、wps、et 或 dps。",
        code="mismatch",
    )


def _refuse_dangerous(head: bytes, name: str) -> None:
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").lower().replace(b"\x00", b"")
    if text.startswith(b"<"):
        raise ValidationError(
            f"“{name}”是网页、SVG 或 XML 文件，这类文件可能含有脚本，不能作为附件上传。请转换为 PDF 后上传。",
            code="markup",
        )
    executable = (
        head.startswith(b"MZ")
        or head.startswith(b"\x7fELF")
        or head[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
        or head.startswith(b"#!")
    )
    if executable:
        raise ValidationError(f"“{name}”是程序或脚本文件，不能作为附件上传。", code="executable")


def _open_zip(file: File, name: str) -> zipfile.ZipFile:
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(f"“{name}”文件已损坏，无法打开。", code="corrupt") from error
    try:
        zip_limits(
            archive,
            name=name,
            max_total=settings.ATTACHMENT_MAX_UNPACKED_BYTES,
            max_part=settings.ATTACHMENT_MAX_PART_BYTES,
            max_parts=settings.ATTACHMENT_MAX_PARTS,
        )
    except LimitExceeded as error:
        archive.close()
        raise ValidationError(str(error), code="zip_bomb") from error
    return archive


def office_package_kind(file: File, name: str) -> FileKind:
    """What a ZIP-based file is: OFD, or the Office Open XML kind its [Content_Types].xml names."""
    with _open_zip(file, name) as archive:
        return _package_kind(archive, name)


def _package_kind(archive: zipfile.ZipFile, name: str) -> FileKind:
    names = set(archive.namelist())
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" not in names:
        raise ValidationError(
            f"“{name}”是压缩包。压缩包中的文件无法检查，请解压后逐个上传。可上传：{ALLOWED_SUMMARY}。",
            code="archive",
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError(f"“{name}”含有宏（VBA 代码），请另存为不含宏的 docx/xlsx/pptx 后上传。", code="macro")
    try:
        root = ElementTree.fromstring(_read_member(archive, "[Content_Types].xml", 1024 * 1024))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(f"“{name}”文件已损坏，无法打开。", code="corrupt") from error
    for override in root:
        if not override.tag.endswith("}Override"):
            continue
        content_type = override.get("ContentType", "")
        part = override.get("PartName", "").lstrip("/")
        if "macroenabled" in content_type.lower():
            raise ValidationError(
                f"“{name}”是含宏的文档，请另存为不含宏的 docx/xlsx/pptx 后上传。",
                code="macro",
            )
        if content_type in OOXML_MAIN_TYPES and part in names:
            return OOXML_MAIN_TYPES[content_type]
    raise ValidationError(
        f"“{name}”不是 Word、Excel 或 PowerPoint 文档（可能是模板或其他软件的文件）。可上传：{ALLOWED_SUMMARY}。",
        code="unsupported",
    )


def _read_member(archive: zipfile.ZipFile, member: str, limit: int) -> bytes:
    with archive.open(member) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{member} is too large")
    return data


# --- Images ---------------------------------------------------------------------------------


def _reencode_image(file: File, kind: FileKind, name: str) -> ContentFile:
    file.seek(0)
    refused = ValidationError(
        f"“{name}”图片尺寸过大（超过 {settings.ATTACHMENT_MAX_IMAGE_PIXELS:,} 像素），可能是恶意构造的文件。"
        "请缩小后再上传。",
        code="image_bomb",
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own guard: a warning above MAX_IMAGE_PIXELS is an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            if IMAGE_FORMATS.get(image.format) is not kind:
                raise ValidationError(f"“{name}”图片文件已损坏，无法打开。", code="corrupt")
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > settings.ATTACHMENT_MAX_IMAGE_PIXELS:
                raise refused
            image.load()
            return _image_without_metadata(image, kind, name)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise refused from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError(f"“{name}”图片文件已损坏，无法打开。", code="corrupt") from error


def _image_without_metadata(image: Image.Image, kind: FileKind, name: str) -> ContentFile:
    out = io.BytesIO()
    options = {key: image.info[key] for key in IMAGE_INFO_KEPT if key in image.info}
    if getattr(image, "n_frames", 1) > 1 and kind in (GIF, WEBP):
        image.info = {}
        image.save(out, format=image.format, save_all=True, **options)
        return ContentFile(out.getvalue(), name=name)
    if image.getexif().get(EXIF_ORIENTATION, 1) in range(2, 9):
        # Turn the picture upright before the orientation tag goes with the rest of EXIF.
        upright = ImageOps.exif_transpose(image)
        if kind is JPEG:
            options["quality"] = 92
    else:
        upright = image
        if kind is JPEG:
            # The original's quantisation tables: no visible loss from re-encoding.
            options.update(quality="keep", subsampling="keep")
    if kind is WEBP:
        options["quality"] = 90
    upright.info = {}
    upright.save(out, format=image.format, **options)
    return ContentFile(out.getvalue(), name=name)


# --- Text -----------------------------------------------------------------------------------


def _extract_text(
    file: File, kind: FileKind, name: str, *, soft: Deadline | None = None, seconds: float | None = None
) -> str | None:
    """The file's text; None when a PDF's text outlasted the ``soft`` budget (extract it later)."""
    if kind not in TEXT_KINDS:
        return ""
    file.seek(0)
    deadline = Deadline(settings.ATTACHMENT_PARSE_SECONDS if seconds is None else seconds, name=name)
    try:
        if kind is PDF:
            return _pdf_text(file, name, deadline, soft=soft)
        archive = _open_zip(file, name)
        try:
            if kind is DOCX:
                return _docx_text(archive, deadline)
            if kind is XLSX:
                return _xlsx_text(file, name, deadline)
            if kind is PPTX:
                return _xml_text(
                    archive, lambda n: n.startswith("ppt/slides/slide") and n.endswith(".xml"), "}t", deadline
                )
            return _xml_text(archive, lambda n: n.endswith("/Content.xml") and "/Pages/" in n, "}TextCode", deadline)
        except (ValidationError, LimitExceeded):
            raise
        except Exception as error:
            # Libraries raise anything on a damaged package (KeyError, lxml errors, ...).
            raise ValidationError(f"“{name}”文件已损坏，无法读取其中的文字。", code="corrupt") from error
        finally:
            archive.close()
    except LimitExceeded as error:
        raise ValidationError(str(error), code="limit") from error
    finally:
        file.seek(0)


def _pdf_text(file: File, name: str, deadline: Deadline, *, soft: Deadline | None = None) -> str | None:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

    limit = settings.ATTACHMENT_MAX_PART_BYTES
    # pypdf's own guards, lowered to the portal's limit for the inflated bytes of one part.
    guards = {
        key: limit
        for key in (
            "maximum_declared_stream_length",
            "array_based_stream_maximum_output_length",
            "jbig2_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "zlib_maximum_output_length",
            "brotli_maximum_output_length",
            "image_maximum_buffer_size",
        )
    }
    try:
        with apply_configuration(**guards):
            reader = PdfReader(file)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationError(
                    f"“{name}”设置了打开密码，群众无法打开。请去掉密码后上传。",
                    code="encrypted",
                )
            count = len(reader.pages)
            if count > settings.ATTACHMENT_MAX_PDF_PAGES:
                raise LimitExceeded(
                    f"“{name}”有 {count} 页，超过了 {settings.ATTACHMENT_MAX_PDF_PAGES} 页的上限（页数上限）。"
                    "请拆分后再上传。"
                )
            pages = []
            total = 0
            for number, page in enumerate(reader.pages):
                deadline.check()
                if soft is not None and soft.expired():
                    # Too long for the request: inflate the rest under the limits (fast, and a
                    # bomb is still refused now); the queue extracts the text.
                    for rest in reader.pages[number:]:
                        deadline.check()
                        contents = rest.get_contents()
                        if contents is not None:
                            contents.get_data()
                    return None
                text = page.extract_text() or ""
                pages.append(text)
                total += len(text)
                if total > MAX_TEXT_CHARS:
                    break
            deadline.check()
            return "\n".join(pages)
    except (ValidationError, LimitExceeded):
        raise
    except LimitReachedError as error:
        raise LimitExceeded(
            f"“{name}”中有内容解压后超过 {megabytes(limit)} 的上限（解压大小上限），可能是恶意构造的文件。"
        ) from error
    except (PyPdfError, PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, MemoryError) as error:
        raise ValidationError(f"“{name}”PDF 文件已损坏，无法打开。", code="corrupt") from error


WORD_MAIN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# Word's runs of text, tabs and paragraph ends, as Word writes them (prefix w:).
_WORD_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|(<w:tab\b[^>]*/>)|(</w:p>)")
_PARAGRAPH_END = b"</w:p>"


def _docx_text(archive: zipfile.ZipFile, deadline: Deadline) -> str:
    """Paragraphs of the body (tables included), then of the headers and footers.

    Each part is inflated a megabyte at a time and scanned paragraph by paragraph, so memory
    stays flat and a long part costs little; python-docx builds the whole tree (gigabytes for a
    185 MB document.xml, minutes of work). The part's size was checked before (`_open_zip`).
    """
    names = archive.namelist()
    if "word/document.xml" not in names:
        raise ValidationError("missing word/document.xml")
    parts = ["word/document.xml"] + sorted(
        (n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n)), key=_natural_key
    )
    lines: list[str] = []
    total = 0
    for part in parts:
        with archive.open(part) as stream:
            for text in _word_paragraphs(stream, deadline):
                lines.append(text)
                total += len(text)
                if total > MAX_TEXT_CHARS:
                    return "\n".join(lines)
    return "\n".join(lines)


def _word_paragraphs(stream, deadline: Deadline):
    """The non-empty paragraphs of one WordprocessingML part, read a megabyte at a time."""
    import html

    pending = b""
    current: list[str] = []
    while True:
        chunk = stream.read(1024 * 1024)
        deadline.check()
        pending += chunk
        cut = len(pending) if not chunk else pending.rfind(_PARAGRAPH_END) + len(_PARAGRAPH_END)
        if chunk and cut < len(_PARAGRAPH_END):
            continue  # no whole paragraph yet
        complete, pending = pending[:cut], pending[cut:]
        for match in _WORD_TEXT.finditer(complete):
            text, tab, end = match.groups()
            if end:
                if current:
                    line = "".join(current)
                    if line:
                        yield line
                current = []
            elif tab:
                current.append("\t")
            else:
                current.append(html.unescape(text.decode("utf-8", "replace")))
        if not chunk:
            break
    if current and "".join(current):
        yield "".join(current)


def _xlsx_text(file: File, name: str, deadline: Deadline) -> str:
    file.seek(0)
    limits = SheetLimits(
        max_rows=settings.ATTACHMENT_MAX_SHEET_ROWS,
        max_columns=16_384,
        max_unpacked=settings.ATTACHMENT_MAX_UNPACKED_BYTES,
        max_part=settings.ATTACHMENT_MAX_PART_BYTES,
        seconds=settings.ATTACHMENT_PARSE_SECONDS,
    )
    lines = []
    total = 0
    with open_workbook(file.read(), name=name, limits=limits) as workbook:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet_rows(sheet, name=name, limits=limits, deadline=deadline):
                values = [str(value) for value in row if value is not None and str(value).strip()]
                if values:
                    line = "\t".join(values)
                    lines.append(line)
                    total += len(line)
                    if total > MAX_TEXT_CHARS:
                        return "\n".join(lines)
    return "\n".join(lines)


def _xml_text(archive: zipfile.ZipFile, wanted, tag_suffix: str, deadline: Deadline) -> str:
    """Text of the given XML parts of a package, one line per element whose tag ends with tag_suffix (streamed)."""
    from lxml import etree

    lines = []
    members = sorted((n for n in archive.namelist() if wanted(n)), key=_natural_key)
    for member in members:
        with archive.open(member) as stream:
            events = etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True)
            for count, (_event, element) in enumerate(events):
                if count % 5_000 == 0:
                    deadline.check()
                if isinstance(element.tag, str) and element.tag.endswith(tag_suffix) and element.text:
                    lines.append(element.text)
                if len(element) == 0:
                    continue
                element.clear(keep_tail=False)
    return "\n".join(lines)


def _natural_key(name: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
