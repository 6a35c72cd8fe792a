"""One cleaning step for everything a client sends: text and integer parameters.

``CleanInputMiddleware`` runs before any view (the admin's, the portal's, every new app's):

- every query and form value is NFC-normalised and loses NUL and the other C0 control
  characters (tab, line feed and carriage return stay): PostgreSQL refuses NUL in text,
  and no person types them;
- a form value carrying a Unicode direction override or isolate (U+202A–U+202E,
  U+2066–U+2069), which turns "…txt.exe" around on screen, is refused with a Chinese 400
  page naming the field; in a query string such characters are dropped;
- a query value is cut at 1,000 characters (no search words or filter is longer);
- a number too big for a 64-bit integer (no database id, page or year is; SQLite cannot even
  bind it) is dropped from a query, so the page shows as without that parameter (a paging
  cursor falls back to the first page), except in the free-text search words (``q``, ``term``);
  in a form it is refused with a Chinese 400 page naming the field;
- an uploaded file whose name Django cannot use (``..``) reaches the form under
  ``UNUSABLE_FILE_NAME`` (which upload checks refuse with a message) instead of vanishing;
- a path holding NUL or another control character (``/mailbox/public/%00/``) is no page:
  the Chinese 404 page, before a view passes it to the database (PostgreSQL refuses NUL);
- a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answers 413 and one with too many
  fields 400, each with a Chinese page, instead of a 500.

Imports apply the same ``clean_text`` / ``bidi_refusal`` to spreadsheet cells, and views use
``int_param`` for integer parameters that must not reach the database unchecked.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.template import loader
from django.utils.datastructures import ImmutableList

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Parameters holding words to search for, where a long number is a legitimate query.
FREE_TEXT_PARAMETERS = frozenset({"q", "term"})
MAX_INT_DIGITS = 18
BIGGEST_INTEGER = 2**63 - 1
# No search, filter or cursor needs more; SQLite refuses LIKE patterns over 50,000 bytes.
MAX_QUERY_CHARS = 1000


def clean_text(value: str) -> str:
    """The text NFC-normalised, without NUL and other control characters (tab and line breaks stay)."""
    return CONTROL_CHARACTERS.sub("", unicodedata.normalize("NFC", value))


def bidi_refusal(value: str, *, label: str) -> str | None:
    """A Chinese message if `value` holds a direction override; None if it is fine."""
    match = BIDI_CONTROLS.search(value)
    if match is None:
        return None
    return (
        f"“{label}”中含有 Unicode 文字方向控制字符（U+{ord(match.group()):04X}），它会让文字倒着显示、"
        "把“…txt.exe”伪装成别的文件名，不予接受。请删除后重新提交。"
    )


def int_param(value, *, minimum: int = 0, maximum: int = 10**18) -> int | None:
    """`value` as an integer within [minimum, maximum], or None for anything else (text, overlong, negative)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdecimal() or len(text) > MAX_INT_DIGITS:
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


# What an uploaded file is called when the name it came with cannot be used ("..", "/"): Django's
# parser would drop such a file without a word; with this name it reaches the form, which refuses it.
UNUSABLE_FILE_NAME = "\ufffd文件名无法使用\ufffd"


class _KeepUnusableNames(MultiPartParser):
    def sanitize_file_name(self, file_name):
        sanitized = super().sanitize_file_name(file_name)
        if not sanitized and str(file_name).strip():
            return UNUSABLE_FILE_NAME
        return sanitized


def _parse_file_upload(request):
    def parse(META, post_data):
        request.upload_handlers = ImmutableList(
            request.upload_handlers, warning="You cannot alter upload handlers after the upload has been processed."
        )
        return _KeepUnusableNames(META, post_data, request.upload_handlers, request.encoding).parse()

    return parse


def _overlong_number(value: str) -> bool:
    text = value.strip()
    return text.isascii() and text.isdecimal() and (len(text) > 19 or int(text) > BIGGEST_INTEGER)


def _refuse(request, status: int, message: str) -> HttpResponse:
    html = loader.render_to_string("refused.html", {"status": status, "message": message}, request=request)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


class CleanInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._clean(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def _clean(self, request) -> HttpResponse | None:
        if CONTROL_CHARACTERS.search(request.path_info):
            raise Http404("网址中含有控制字符。")
        query = request.GET.copy()
        for key in list(query):
            values = [BIDI_CONTROLS.sub("", clean_text(v))[:MAX_QUERY_CHARS] for v in query.getlist(key)]
            if key not in FREE_TEXT_PARAMETERS:
                values = [v for v in values if not _overlong_number(v)]
            if values:
                query.setlist(key, values)
            else:
                del query[key]
        query._mutable = False
        request.GET = query
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        request.parse_file_upload = _parse_file_upload(request)
        try:
            post = request.POST.copy()
        except RequestDataTooBig:
            return _refuse(
                request, 413, "提交的内容太大，超过了系统允许的上限，未保存任何内容。请缩短正文或分开上传附件。"
            )
        except TooManyFieldsSent:
            return _refuse(request, 400, "提交的字段太多，未保存任何内容。")
        for key in list(post):
            values = [clean_text(v) for v in post.getlist(key)]
            for value in values:
                message = bidi_refusal(value, label=key[:40])
                if message:
                    return _refuse(request, 400, message)
                if _overlong_number(value):
                    return _refuse(request, 400, f"“{key[:40]}”中的数字过大，超出了系统能处理的范围，未保存任何内容。")
            post.setlist(key, values)
        post._mutable = False
        request.POST = post
        return None
