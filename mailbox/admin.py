"""Staff work on messages in the admin: record calls and letters, assign, draft, approve, deliver, publish.

The change page is read-only; every button posts to one view that calls one service, and
the services decide who may do what, so a forged request is refused like a hidden button.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from audit.models import AuditEvent
from catalog import access
from catalog.models import Organisation
from mailbox import services
from mailbox.forms import RecordForm
from mailbox.models import Message
from mailbox.services.deadlines import alarm_line

READONLY = [
    "number",
    "organisation",
    "status",
    "kind",
    "channel",
    "received_at",
    "due_on",
    "deadline_state",
    "recorded_by",
    "subject",
    "body",
    "writer_name",
    "writer_phone",
    "writer_email",
    "may_publish",
    "office",
    "answer",
    "drafted_by",
    "return_comment",
    "approved_by",
    "delivery",
    "answered_on",
    "closed_reason",
    "published_at",
    "public_writer",
    "unpublished_at",
    "unpublish_reason",
]


class OpenFilter(admin.SimpleListFilter):
    title = "办理情况"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("1", "未办结"), ("soon", "临近期限或超期"), ("alarm", "超过三个月未答复")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "1":
            return queryset.open()
        if self.value() == "soon":
            return queryset.open().filter(Q(warn_on__lte=today) | Q(received_on__lt=alarm_line(today)))
        if self.value() == "alarm":
            return queryset.open().filter(received_on__lt=alarm_line(today))
        return queryset


def deadline_state(message: Message, today) -> str:
    if not message.is_open:
        if message.answered_on:
            return "超期答复" if message.answered_late else "按期答复"
        return ""
    if message.received_on < alarm_line(today):
        return "超过三个月未答复"
    if message.due_on < today:
        return "已超期"
    if message.warn_on <= today:
        return "即将到期"
    return ""


class WorkflowForms:
    """The small forms of the panel, each posted with its `action`."""

    class Assign(forms.Form):
        office = forms.ModelChoiceField(label="承办站所", queryset=Organisation.objects.none())

    class Draft(forms.Form):
        answer = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}))

    class Deliver(forms.Form):
        delivery = forms.ChoiceField(label="送达方式", choices=Message.Delivery.choices)
        answered_on = forms.DateField(
            label="答复日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "subject",
        "kind",
        "channel",
        "organisation",
        "office",
        "status",
        "received_on",
        "due_on",
        "state",
    ]
    list_filter = [OpenFilter, "status", "kind", "channel"]
    search_fields = ["number", "subject"]
    list_select_related = ["organisation", "office"]
    readonly_fields = READONLY
    fields = READONLY
    change_form_template = "mailbox/admin/message_change.html"

    @admin.display(description="期限")
    def state(self, obj):
        return deadline_state(obj, timezone.localdate())

    @admin.display(description="期限提示")
    def deadline_state(self, obj):
        return deadline_state(obj, timezone.localdate())

    def get_queryset(self, request):
        return services.visible_messages(request.user).select_related("organisation", "office")

    def has_module_permission(self, request):
        return request.user.is_superuser or access.staff_of(request.user) is not None

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or services.can_view_message(request.user, obj)

    def has_add_permission(self, request):
        staff = access.staff_of(request.user)  # no query: every admin page asks (the sidebar)
        return request.user.is_superuser or (staff is not None and staff.can_write)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _message_or_404(self, request, object_id) -> Message:
        message = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if message is None:
            raise Http404("没有这条留言，或您无权查看。")
        return message

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self._message_or_404(request, object_id)
        extra_context = {**(extra_context or {}), **self._panel_context(request, message)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _panel_context(self, request, message: Message) -> dict:
        user, Status = request.user, Message.Status
        handle, decide = services.can_handle(user, message), services.can_decide(user, message)
        township_staff = services.can_handle(user, Message(organisation=message.organisation))
        assign = WorkflowForms.Assign(initial={"office": message.office_id})
        assign.fields["office"].queryset = Organisation.objects.filter(
            pk=message.organisation_id
        ) | Organisation.objects.filter(parent=message.organisation_id, is_active=True)
        can = {
            "assign": township_staff and message.status in (Status.RECEIVED, Status.ASSIGNED, Status.DRAFTED),
            "draft": handle and message.status in (Status.ASSIGNED, Status.DRAFTED),
            "approve": decide and message.status == Status.DRAFTED and message.drafted_by_id != user.pk,
            "deliver": handle and message.status == Status.APPROVED,
            "close": decide and message.status in (Status.RECEIVED, Status.ASSIGNED, Status.DRAFTED),
            "publish": decide
            and message.status == Status.ANSWERED
            and message.may_publish
            and not message.is_published,
            "unpublish": decide and message.is_published,
        }
        preview = {}
        if can["publish"]:
            preview = {
                key: services.public_text(message, getattr(message, key)) for key in ("subject", "body", "answer")
            }
        events = AuditEvent.objects.filter(object_type="mailbox.message", object_id=str(message.pk))
        return {
            "message": message,
            "can": can,
            "own_draft": decide and message.status == Status.DRAFTED and message.drafted_by_id == user.pk,
            "assign_form": assign,
            "draft_form": WorkflowForms.Draft(initial={"answer": message.answer}),
            "deliver_form": WorkflowForms.Deliver(initial={"answered_on": timezone.localdate(), "delivery": "online"}),
            "preview": preview,
            "events": events.select_related("actor").order_by("-at", "-pk")[:50],
        }

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("record/", wrap(self.record_view), name="mailbox_message_record"),
            path("<int:object_id>/workflow/", wrap(self.workflow_view), name="mailbox_message_workflow"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return self.record_view(request)

    def record_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        organisations = access.editable_organisations(request.user).filter(
            kind__in=[Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT], is_active=True
        )
        form = RecordForm(request.POST or None, organisations=organisations)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                message, code = services.message_record(by=request.user, **data)
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request, f"已登记留言 {message.number}，查询码 {code}（只显示这一次），请告知来电人或来信人。"
                )
                return HttpResponseRedirect(reverse("admin:mailbox_message_change", args=[message.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": "登记来电或来信",
        }
        return TemplateResponse(request, "mailbox/admin/record_form.html", context, status=400 if form.errors else 200)

    def workflow_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        message = self._message_or_404(request, object_id)
        handler = ACTIONS.get(request.POST.get("action", ""))
        if handler is None:
            messages.error(request, "未知的操作。")
        else:
            try:
                done = handler(message, request.user, request.POST)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _message(exc))
            else:
                messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:mailbox_message_change", args=[message.pk]))


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您没有权限进行此操作。"


def _errors_to_form(form, exc) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _message(exc))


def _assign(message, user, post):
    pk = post.get("office", "")
    office = Organisation.objects.filter(pk=pk).first() if pk.isdigit() else None
    if office is None:
        raise ValidationError("请选择承办站所。")
    services.message_assign(message=message, by=user, office=office)
    return f"已分办给{office.short_name}。"


def _draft(message, user, post):
    services.message_draft(message=message, by=user, answer=post.get("answer", ""))
    return "答复已提交审核。"


def _approve(message, user, post):
    services.message_approve(message=message, by=user)
    return "答复已审核通过，请送达留言人。"


def _return(message, user, post):
    services.message_return(message=message, by=user, comment=post.get("comment", ""))
    return "已退回承办站所修改。"


def _deliver(message, user, post):
    form = WorkflowForms.Deliver(post)
    if not form.is_valid():
        raise ValidationError("请选择送达方式并填写正确的答复日期。")
    services.message_deliver(message=message, by=user, **form.cleaned_data)
    return "已登记送达，留言人可在查询页面看到答复。"


def _close(message, user, post):
    services.message_close(message=message, by=user, reason=post.get("reason", ""))
    return "已决定不予受理。"


def _publish(message, user, post):
    services.message_publish(
        message=message,
        by=user,
        subject=post.get("public_subject", ""),
        body=post.get("public_body", ""),
        answer=post.get("public_answer", ""),
    )
    return "已在“公众留言”栏目公开。"


def _unpublish(message, user, post):
    services.message_unpublish(message=message, by=user, reason=post.get("reason", ""))
    return "已从“公众留言”栏目撤下。"


ACTIONS = {
    "assign": _assign,
    "draft": _draft,
    "approve": _approve,
    "return": _return,
    "deliver": _deliver,
    "close": _close,
    "publish": _publish,
    "unpublish": _unpublish,
}
