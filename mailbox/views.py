"""Public mailbox pages: write, the confirmation with number and 查询码, the status page, 公众留言."""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from mailbox import services
from mailbox.forms import StatusForm, WriteForm
from mailbox.models import Message
from mailbox.validators import normalise_phone
from portal import frames
from portal.paging import keyset_page
from township_portal.lib.ratelimit import allow, client_address

SENT_SESSION_KEY = "mailbox_sent"
_CURSOR = re.compile(r"[0-9]{1,18}")
BUSY = "提交过于频繁，请稍后再试，或拨打监督投诉电话。"


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submit(request, organisation, form):
    """Create the message from a valid form; returns the redirect, or None with errors added to the form."""
    data = form.cleaned_data
    if not allow(
        key=f"mailbox:phone:{normalise_phone(data['writer_phone'])}",
        limit=settings.MAILBOX_LIMIT_PER_PHONE,
        window=86400,
    ):
        form.add_error(None, "该电话号码今天已提交多条留言，请等待答复，或拨打监督投诉电话。")
        return None
    fields = {
        k: data[k] for k in ("kind", "subject", "body", "writer_name", "writer_phone", "writer_email", "may_publish")
    }
    try:
        message, code = services.message_submit(organisation=organisation, token=data["token"], **fields)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None
    if code is not None:
        request.session[SENT_SESSION_KEY] = {"number": message.number, "code": code, "token": data["token"]}
    return redirect("mailbox:sent", organisation.slug)


def _cursor(request, name) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if _CURSOR.fullmatch(value) else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def write(request, slug):
    frame = frames.load_frame(request, slug)
    township = frame.organisation
    form = WriteForm(request.POST or None, initial={"token": secrets.token_urlsafe(24)})
    if request.method == "POST":
        # A replay of a POST that already created a message goes to its confirmation, not the limiter.
        token = request.POST.get("token", "")
        if token and Message.objects.filter(submission_token=token).exists():
            return redirect("mailbox:sent", township.slug)
        if not allow(
            key=f"mailbox:ip:{client_address(request)}", limit=settings.MAILBOX_LIMIT_PER_ADDRESS, window=3600
        ):
            form.add_error(None, BUSY)
        elif form.is_valid() and (response := _submit(request, township, form)):
            return response
    status = 400 if request.method == "POST" else 200
    context = {"township": township, "frame": frame, "form": form, "reply_workdays": settings.MAILBOX_REPLY_WORKDAYS}
    return render(request, "mailbox/write.html", context, status=status)


@never_cache
@require_safe
def sent(request, slug):
    frame = frames.load_frame(request, slug)
    return render(
        request,
        "mailbox/sent.html",
        {"township": frame.organisation, "frame": frame, "sent": request.session.get(SENT_SESSION_KEY)},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    form = StatusForm(request.POST or None)
    message, status_code = None, 200
    if request.method == "POST":
        if not allow(key=f"mailbox:lookup:{client_address(request)}", limit=settings.MAILBOX_LIMIT_LOOKUPS, window=900):
            form.add_error(None, "查询过于频繁，请15分钟后再试。")
            status_code = 429
        elif form.is_valid():
            message = services.message_lookup(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
            if message is None:
                form.add_error(None, "留言编号或查询码不正确，请核对后再试。")
                status_code = 404
    if message is None and request.method == "POST":
        form.data = {**form.data.dict(), "code": ""}  # the code is a secret: never echoed back
    return render(request, "mailbox/status.html", {"form": form, "message": message}, status=status_code)


@require_safe
def public_list(request, slug):
    frame = frames.load_frame(request, slug)
    township = frame.organisation
    rows = Message.objects.published().filter(organisation=township).select_related("office")
    page = keyset_page(
        rows,
        sort="date",
        after=_cursor(request, "after"),
        before=_cursor(request, "before"),
        size=settings.PORTAL_PAGE_SIZE,
    )
    return render(request, "mailbox/public_list.html", {"township": township, "frame": frame, "page": page})


@require_safe
def public_detail(request, slug, number):
    frame = frames.load_frame(request, slug)
    message = get_object_or_404(
        Message.objects.published().select_related("office"), organisation=frame.organisation, number=number
    )
    return render(
        request, "mailbox/public_detail.html", {"township": frame.organisation, "frame": frame, "message": message}
    )
