"""Public pages: apply online, the printable receipt, the applicant's status page and its downloads.

The status page opens only for the right application number and 查询码; a wrong code and an
unknown number get the same answer, and lookups are throttled per address and per number.
Once a lookup succeeds, the session remembers which applications it may show.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from applications import services
from applications.forms import ApplicationForm, StatusLookupForm
from applications.models import Answer, AnswerFile, Application, Letter
from applications.models.applications import PUBLIC_EVENT_KINDS
from catalog.models import Organisation
from township_portal.lib.ratelimit import allow, client_address

SESSION_RECEIPT = "applications_receipt"
SESSION_OPEN = "applications_open"
APPLY_PER_ADDRESS = (10, 3600)  # applications per address per hour
APPLY_PER_ID = (3, 24 * 3600)  # applications per ID number per day
LOOKUP_PER_ADDRESS = (20, 600)
LOOKUP_PER_NUMBER = (5, 600)
TOO_MANY = "提交过于频繁，请稍后再试；如有急需，请致电受理机关。"


def _receiving_bodies():
    return Organisation.objects.filter(
        is_active=True, kind__in=[Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT]
    ).order_by("kind", "order", "name")


@require_safe
def apply_choose(request):
    return render(request, "applications/apply_choose.html", {"bodies": list(_receiving_bodies())})


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    organisation = get_object_or_404(_receiving_bodies(), slug=slug)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        details = form.cleaned_data["details"]
        if not allow(key=f"apply:ip:{address}", limit=APPLY_PER_ADDRESS[0], window=APPLY_PER_ADDRESS[1]) or not allow(
            key=f"apply:id:{details['id_number']}", limit=APPLY_PER_ID[0], window=APPLY_PER_ID[1]
        ):
            form.add_error(None, TOO_MANY)
        else:
            try:
                application, code = services.application_submit(
                    organisation=organisation,
                    details=details,
                    token=form.cleaned_data["token"],
                    id_scan=form.cleaned_data.get("id_scan"),
                )
            except services.DuplicateSubmission as duplicate:
                receipt = request.session.get(SESSION_RECEIPT) or {}
                if receipt.get("number") != duplicate.application.number:
                    request.session[SESSION_RECEIPT] = {"number": duplicate.application.number, "code": ""}
                return redirect("applications:receipt")
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                request.session[SESSION_RECEIPT] = {"number": application.number, "code": code}
                return redirect("applications:receipt")
    return render(request, "applications/apply.html", {"organisation": organisation, "form": form})


@never_cache
@require_safe
def receipt(request):
    data = request.session.get(SESSION_RECEIPT)
    if not data:
        return redirect("applications:status")
    application = Application.objects.select_related("organisation").filter(number=data["number"]).first()
    if application is None:
        raise Http404
    return render(
        request,
        "applications/receipt.html",
        {"application": application, "code": data.get("code", ""), "organisation": application.organisation},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def status(request):
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        address = client_address(request)
        if not allow(
            key=f"status:ip:{address}", limit=LOOKUP_PER_ADDRESS[0], window=LOOKUP_PER_ADDRESS[1]
        ) or not allow(key=f"status:number:{number}", limit=LOOKUP_PER_NUMBER[0], window=LOOKUP_PER_NUMBER[1]):
            form.add_error(None, "查询过于频繁，请 10 分钟后再试。")
        else:
            application = Application.objects.filter(number=number).exclude(status=Application.Status.VOID).first()
            if services.query_code_matches(application, form.cleaned_data["code"]):
                opened = [pk for pk in request.session.get(SESSION_OPEN, []) if pk != application.pk][-9:]
                request.session[SESSION_OPEN] = [*opened, application.pk]
                return redirect("applications:status_view", number=application.number)
            form.add_error(None, "申请编号或查询码不正确，请核对后重新输入。")
    return render(request, "applications/status.html", {"form": form})


def _opened(request, number) -> Application:
    application = (
        Application.objects.select_related("organisation")
        .filter(number=number, pk__in=request.session.get(SESSION_OPEN, []))
        .first()
    )
    if application is None:
        raise Http404("请先输入申请编号和查询码。")
    return application


@never_cache
@require_safe
def status_view(request, number):
    application = _opened(request, number)
    answers = Answer.objects.filter(state=Answer.State.APPROVED).prefetch_related(
        Prefetch("files", queryset=AnswerFile.objects.order_by("pk"))
    )
    answer = answers.filter(application=application).first()
    clock = services.clock_of(application)
    return render(
        request,
        "applications/status_view.html",
        {
            "application": application,
            "organisation": application.organisation,
            "events": [e for e in application.events.all() if e.kind in PUBLIC_EVENT_KINDS],
            "letters": [letter for letter in application.letters.all() if letter.to_applicant],
            "answer": answer,
            "clock": clock,
            "handed_to": list(application.handed_over_to.values_list("number", "organisation__name")),
        },
    )


@never_cache
@require_safe
def status_file(request, number, what, pk):
    """A letter (PDF or DOCX) or a disclosed file of an application opened in this session."""
    application = _opened(request, number)
    if what in ("pdf", "docx"):
        letter = get_object_or_404(Letter, pk=pk, application=application, kind__in=Letter.APPLICANT_KINDS)
        stored = letter.pdf if what == "pdf" else letter.docx
        filename = f"{application.number}-{letter.get_kind_display()}.{what}"
    elif what == "file":
        item = get_object_or_404(
            AnswerFile, pk=pk, answer__application=application, answer__state=Answer.State.APPROVED
        )
        stored, filename = item.file, item.original_name
    else:
        raise Http404
    return private_file_response(stored, filename)


def private_file_response(stored, filename: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except OSError:
        raise Http404("文件不存在。") from None
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
