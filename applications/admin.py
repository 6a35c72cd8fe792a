"""Staff work on applications in the admin: register, confirm, the clock's events, answers, remedies.

The change page is a read-only case file with one small form per step the person may take;
every form posts to `act/<step>/`, which calls one service and redirects back. The services
decide who may act, so a forged post is refused like a hidden button. Reads by anyone outside
the application's own organisation (the county office) are written to the audit trail.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from applications import forms as app_forms
from applications import services
from applications.models import Answer, AnswerFile, Application, Letter
from applications.services.clock import DUE_SOON_DAYS
from applications.services.common import APPROVERS, DRAFTERS, EXTENSION_APPROVERS, WORKERS
from applications.services.proposals import proposal_candidates
from applications.views import private_file_response
from audit.models import AuditEvent
from audit.services import audit_record
from catalog import access
from catalog.admin_scope import OrganisationScopedAdmin
from catalog.calendar import work_calendar
from catalog.models import Organisation
from disclosure.models import Item

Status = Application.Status


class ClockFilter(admin.SimpleListFilter):
    title = "答复期限"
    parameter_name = "clock"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "已超期"),
            ("soon", f"{DUE_SOON_DAYS} 个工作日内到期"),
            ("lapsed", "补正、缴费期限已届满"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.open().filter(due_on__lt=today)
        if self.value() == "lapsed":
            return queryset.filter(status__in=[Status.CORRECTION, Status.FEE], pause_until__lt=today)
        if self.value() == "soon":
            return queryset.open().filter(
                due_on__gte=today, due_on__lte=work_calendar().add_workdays(today, DUE_SOON_DAYS)
            )
        return queryset


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您没有权限进行这项操作。"


def _answer(application):
    return application.answers.filter(state=Answer.State.DRAFT).first()


def _published_item(application, number):
    if not number:
        return None
    item = Item.objects.filter(index_number=number.strip(), status=Item.Status.PUBLISHED).first()
    if item is None:
        raise ValidationError({"published_index_number": f"没有索引号为“{number}”的已发布信息。"})
    return item


# step -> (form, roles that see it, statuses where it is offered, handler returning the success message)
STEPS = {
    "confirm": (
        app_forms.ConfirmForm,
        DRAFTERS,
        {Status.SUBMITTED},
        lambda a, u, d: (
            services.application_confirm(application=a, by=u, received_on=d["received_on"], version=d["version"])
            and "已确认收到申请，开始计算答复期限。"
        ),
    ),
    "void": (
        app_forms.VoidForm,
        DRAFTERS,
        {Status.SUBMITTED},
        lambda a, u, d: (
            services.application_void(application=a, by=u, reason=d["reason"], version=d["version"]) and "已作废。"
        ),
    ),
    "correction_send": (
        app_forms.CorrectionForm,
        DRAFTERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.correction_send(
                application=a, by=u, missing=d["missing"], until=d["until"], on=d["on"], version=d["version"]
            )
            and "已发出补正通知，计时暂停。"
        ),
    ),
    "correction_receive": (
        app_forms.DayForm,
        DRAFTERS,
        {Status.CORRECTION},
        lambda a, u, d: (
            services.correction_receive(application=a, by=u, on=d["on"], note=d["note"], version=d["version"])
            and "已登记补正，答复期限重新计算。"
        ),
    ),
    "correction_lapse": (
        app_forms.VersionForm,
        DRAFTERS,
        {Status.CORRECTION},
        lambda a, u, d: services.correction_lapse(application=a, by=u, version=d["version"]) and "已按逾期未补正办结。",
    ),
    "third_party_consult": (
        app_forms.ThirdPartyForm,
        DRAFTERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.third_party_consult(application=a, by=u, party=d["party"], on=d["on"], version=d["version"])
            and "已登记征求第三方意见，答复期间不计算在内。"
        ),
    ),
    "third_party_reply": (
        app_forms.DayForm,
        DRAFTERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.third_party_reply(application=a, by=u, on=d["on"], note=d["note"], version=d["version"])
            and "已登记第三方答复。"
        ),
    ),
    "extend": (
        app_forms.ExtendForm,
        EXTENSION_APPROVERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.application_extend(application=a, by=u, days=d["days"], reason=d["reason"], version=d["version"])
            and "已批准延长答复期限，并生成延期告知书。"
        ),
    ),
    "fee_notify": (
        app_forms.FeeForm,
        DRAFTERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.fee_notify(application=a, by=u, amount=d["amount"], basis=d["basis"], version=d["version"])
            and "已发出收费通知，计时暂停。"
        ),
    ),
    "fee_pay": (
        app_forms.DayForm,
        DRAFTERS,
        {Status.FEE},
        lambda a, u, d: (
            services.fee_pay(application=a, by=u, on=d["on"], version=d["version"]) and "已登记缴费，恢复计时。"
        ),
    ),
    "fee_lapse": (
        app_forms.VersionForm,
        DRAFTERS,
        {Status.FEE},
        lambda a, u, d: services.fee_lapse(application=a, by=u, version=d["version"]) and "已按逾期未缴费办结。",
    ),
    "answer_draft": (
        app_forms.AnswerForm,
        DRAFTERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.answer_draft(
                application=a,
                by=u,
                outcome=d["outcome"],
                explanation=d["explanation"],
                legal_basis=d["legal_basis"],
                published_item=_published_item(a, d["published_index_number"]),
                holder_name=d["holder_name"],
                holder_organisation=d["holder_organisation"],
                files=d["files"],
                version=d["version"],
            )
            and "答复已提交审批。"
        ),
    ),
    "answer_approve": (
        app_forms.DecideForm,
        APPROVERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.answer_approve(
                answer=_answer(a) or _no_draft(), by=u, findings_checked=d["findings_checked"], version=d["version"]
            )
            and "答复已审批，答复书已生成。"
        ),
    ),
    "answer_return": (
        app_forms.DecideForm,
        APPROVERS,
        {Status.OPEN},
        lambda a, u, d: (
            services.answer_return(answer=_answer(a) or _no_draft(), by=u, comment=d["comment"], version=d["version"])
            and "答复已退回修改。"
        ),
    ),
    "deliver": (
        app_forms.DeliverForm,
        DRAFTERS,
        {Status.CLOSED},
        lambda a, u, d: (
            services.answer_deliver(application=a, by=u, means=d["means"], on=d["on"], version=d["version"])
            and "已登记送达。"
        ),
    ),
    "remedy": (
        app_forms.RemedyForm,
        WORKERS,
        {Status.OPEN, Status.CLOSED, Status.CORRECTION, Status.FEE},
        lambda a, u, d: services.remedy_record(application=a, by=u, **d) and "已登记行政复议、行政诉讼。",
    ),
    "remedy_decide": (
        app_forms.RemedyDecideForm,
        WORKERS,
        set(Status.values),
        lambda a, u, d: (
            services.remedy_decide(
                remedy=_pending_remedy(a, d["remedy"]), by=u, result=d["result"], decided_on=d["decided_on"]
            )
            and "已登记行政复议、行政诉讼结果。"
        ),
    ),
}


def _pending_remedy(application, pk):
    remedy = application.remedies.filter(pk=pk).first()
    if remedy is None:
        raise ValidationError("该行政复议、行政诉讼记录不存在。")
    return remedy


def _no_draft():
    raise ValidationError(services.STALE)


@admin.register(Application)
class ApplicationAdmin(OrganisationScopedAdmin):
    list_display = ["number", "organisation_name", "applicant", "masked_id", "status", "received_on", "due_on", "clock"]
    list_filter = ["status", ClockFilter, "channel", "applicant_kind"]
    list_select_related = ["organisation"]
    search_fields = ["number"]
    ordering = ["-submitted_at", "-pk"]
    list_per_page = 50
    actions = None
    write_roles = frozenset(DRAFTERS)

    @admin.display(description="受理机关", ordering="organisation__order")
    def organisation_name(self, obj):
        return obj.organisation.short_name

    @admin.display(description="申请人")
    def applicant(self, obj):
        return obj.masked_name

    @admin.display(description="证件号码")
    def masked_id(self, obj):
        return obj.masked_id

    @admin.display(description="计时")
    def clock(self, obj):
        if obj.status in (Status.CORRECTION, Status.FEE):
            return f"暂停（至 {obj.pause_until:%Y-%m-%d}）" if obj.pause_until else "暂停"
        if obj.due_on and obj.status == Status.OPEN:
            today = timezone.localdate()
            return "已超期" if obj.due_on < today else "进行中"
        return "—"

    # --- pages ---------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/act/<str:step>/", wrap(self.step_view), name="applications_application_step"),
            path(
                "<int:object_id>/file/<str:what>/<int:pk>/",
                wrap(self.file_view),
                name="applications_application_file",
            ),
            path("<int:object_id>/propose/", wrap(self.propose_view), name="applications_application_propose"),
            *super().get_urls(),
        ]

    def _get(self, request, object_id) -> Application:
        application = self.get_queryset(request).filter(pk=object_id).first()
        if application is None or not self.has_view_permission(request, application):
            raise Http404("没有这件申请，或您无权查看。")
        return application

    def _audit_read(self, request, application, what="申请详情"):
        staff = access.staff_of(request.user)
        if request.user.is_superuser or staff is None or staff.organisation_id != application.organisation_id:
            audit_record(
                actor=request.user,
                action="application.read",
                obj=application,
                organisation=application.organisation,
                note=what,
            )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        organisations = access.editable_organisations(request.user).exclude(kind=Organisation.Kind.OFFICE)
        form = app_forms.RegisterForm(request.POST or None, request.FILES or None, organisations=organisations)
        if request.method == "POST" and form.is_valid():
            try:
                application, code = services.application_register(
                    organisation=form.cleaned_data["organisation"],
                    by=request.user,
                    channel=form.cleaned_data["channel"],
                    received_on=form.cleaned_data["received_on"],
                    details=form.cleaned_data["details"],
                    id_scan=form.cleaned_data.get("id_scan"),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(
                    request, f"已登记申请 {application.number}。请把查询码 {code} 告知申请人（只显示这一次）。"
                )
                return HttpResponseRedirect(reverse("admin:applications_application_change", args=[application.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": "登记政府信息公开申请",
        }
        return TemplateResponse(request, "applications/admin/register.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self._get(request, object_id)
        self._audit_read(request, application)
        roles = services.roles_of(request.user, application)
        draft = _answer(application)
        steps = {}
        for name, (form_class, step_roles, statuses, _handler) in STEPS.items():
            if roles & step_roles and application.status in statuses:
                steps[name] = form_class(initial={"version": application.version}, prefix=name)
        if draft is None:
            steps.pop("answer_approve", None)
            steps.pop("answer_return", None)
        else:
            steps.pop("answer_draft", None)
            if request.user.pk == draft.drafted_by_id:
                steps.pop("answer_approve", None)
                steps.pop("answer_return", None)
        if application.consulting:
            steps.pop("third_party_consult", None)
        else:
            steps.pop("third_party_reply", None)
        if not application.answers.filter(state=Answer.State.APPROVED, delivered_on__isnull=True).exists():
            steps.pop("deliver", None)
        remedies = list(application.remedies.all())
        decide_forms = {}
        if steps.pop("remedy_decide", None) is not None:
            decide_forms = {
                r.pk: app_forms.RemedyDecideForm(initial={"remedy": r.pk}, prefix="remedy_decide")
                for r in remedies
                if r.result == "pending"
            }
        clock = services.clock_of(application)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"政府信息公开申请 {application.number}",
            "application": application,
            "clock": clock,
            "steps": steps,
            "draft": draft,
            "draft_by_me": draft is not None and draft.drafted_by_id == request.user.pk,
            "answers": list(application.answers.select_related("drafted_by", "decided_by").prefetch_related("files")),
            "events": list(application.events.select_related("by")),
            "letters": list(application.letters.all()),
            "remedies": [(r, decide_forms.get(r.pk)) for r in remedies],
            "handed_to": list(application.handed_over_to.select_related("organisation")),
            "audit_events": list(
                AuditEvent.objects.filter(object_type="applications.application", object_id=str(application.pk))
                .select_related("actor")
                .order_by("-at", "-pk")[:50]
            ),
            "read_only": not roles,
        }
        return TemplateResponse(request, "applications/admin/application_detail.html", context)

    def step_view(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        application = self._get(request, object_id)
        back = HttpResponseRedirect(reverse("admin:applications_application_change", args=[application.pk]))
        if step not in STEPS:
            messages.error(request, "未知的操作。")
            return back
        form_class, _roles, _statuses, handler = STEPS[step]
        form = form_class(request.POST, request.FILES, prefix=step)
        if not form.is_valid():
            problems = [
                f"{form.fields[f].label if f in form.fields else ''}：{'；'.join(e)}" for f, e in form.errors.items()
            ]
            messages.error(request, "；".join(problems).lstrip("："))
            return back
        try:
            done = handler(application, request.user, form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, done)
        return back

    def file_view(self, request, object_id, what, pk):
        application = self._get(request, object_id)
        if what == "id_scan":
            if not application.id_scan:
                raise Http404
            self._audit_read(request, application, "身份证明扫描件")
            return private_file_response(application.id_scan, application.id_scan_name or "scan")
        if what in ("pdf", "docx"):
            letter = Letter.objects.filter(pk=pk, application=application).first()
            if letter is None:
                raise Http404
            self._audit_read(request, application, f"文书 {letter.get_kind_display()}")
            stored = letter.pdf if what == "pdf" else letter.docx
            return private_file_response(stored, f"{application.number}-{letter.get_kind_display()}.{what}")
        if what == "file":
            item = AnswerFile.objects.filter(pk=pk, answer__application=application).first()
            if item is None:
                raise Http404
            self._audit_read(request, application, f"公开文件 {item.original_name}")
            return private_file_response(item.file, item.original_name)
        raise Http404

    def propose_view(self, request, object_id):
        application = self._get(request, object_id)
        if not services.roles_of(request.user, application) & DRAFTERS:
            raise PermissionDenied
        pool = list(
            Application.objects.received().filter(organisation=application.organisation, proposals__isnull=True)
        )
        group = next((g for g in proposal_candidates(pool) if application in g), None)
        form = app_forms.ProposeForm(request.POST or None, organisation=application.organisation)
        if request.method == "POST" and group and form.is_valid():
            try:
                proposal = services.proposal_create(
                    applications=group, by=request.user, category=form.cleaned_data["category"]
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(request, "已生成主动公开草稿，请补充内容后送审。")
                return HttpResponseRedirect(reverse("admin:disclosure_item_change", args=[proposal.item_id]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "转为主动公开（第四十四条）",
            "application": application,
            "group": group or [],
            "form": form,
        }
        return TemplateResponse(request, "applications/admin/propose.html", context)
