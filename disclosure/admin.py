"""Staff work on items in the admin: drafting, the review buttons, findings, revisions, channels, audit.

Every button posts to one small view that calls one service; the services decide who may
do what, so a forged request is refused just like a hidden button.
"""

import uuid
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from catalog import access
from catalog.admin import OwnCategoryFilter
from catalog.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline
from catalog.models import Channel, Organisation, Role
from disclosure import queries, services
from disclosure.forms import AttachmentForm, AttachmentFormSet
from disclosure.history import event_sentence
from disclosure.html import sanitize_body
from disclosure.models import (
    Attachment,
    Item,
    ItemRevision,
    PersonalDataFinding,
    Review,
    ReviewDecision,
    ReviewStep,
)
from disclosure.models.revisions import CONTENT_FIELDS
from township_portal.lib.files import atomic_with_files

# What the item form edits: the owning organisation (fixed once created), the content a revision records
# and the publication time; `item_create` takes exactly these.
CONTENT_FORM_FIELDS = ["organisation", *CONTENT_FIELDS, "scheduled_for"]
STATE_FIELDS = [
    "index_number",
    "state_label",
    "published_at",
    "due_label",
    "timeliness",
    "validity",
    "repealed_on",
    "replaced_by",
    "withdrawn_at",
    "withdrawal_reason",
    "emergency_label",
    "created_by",
]
PANEL_LIMIT = 50


class ScopedOrganisationFilter(admin.SimpleListFilter):
    title = _("公开主体")
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        organisations = access.visible_organisations(request.user).exclude(kind=Organisation.Kind.OFFICE)
        choices = [(o.pk, o.short_name) for o in organisations.order_by("order", "name")]
        return choices if len(choices) > 1 else []

    def queryset(self, request, queryset):
        return queryset.filter(organisation_id=self.value()) if self.value() else queryset


class TimelinessFilter(admin.SimpleListFilter):
    title = _("及时性")
    parameter_name = "timeliness"

    def lookups(self, request, model_admin):
        return [("overdue", _("已超期未发布")), ("late", _("逾期发布")), ("on_time", _("按时发布"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.unpublished().filter(due_on__lt=today)
        if self.value() == "late":
            return queryset.filter(late_workdays__isnull=False)
        if self.value() == "on_time":
            return queryset.filter(published_at__isnull=False, late_workdays__isnull=True)
        return queryset


class AttachmentInline(OrganisationScopedInline):
    """Attachments are added, and removed (to replace a file), while the item is a draft never published.

    Uploads are checked by the form; additions and removals go through the services
    (`attachment_add_checked`, `attachment_remove`), which enforce the same rules.
    """

    model = Attachment
    form = AttachmentForm
    formset = AttachmentFormSet
    fields = ["file", "order", "text_status"]
    readonly_fields = ["text_status"]

    @admin.display(description="文字")
    def text_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        if obj.text_state == Attachment.TextState.PENDING:
            return "正在后台提取文字（较长的 PDF），完成后才能送审"
        if obj.text_state == Attachment.TextState.FAILED:
            return f"未能提取文字：{obj.text_error}"
        return f"已提取 {len(obj.text)} 字" if obj.text else "无文字"

    def _draft(self, obj) -> bool:
        return obj is None or (obj.status == Item.Status.DRAFT and obj.index_number is None)

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # The delete box removes the file (`attachment_remove`): only on a saved draft, by its editors.
        return obj is not None and self._draft(obj) and super().has_change_permission(request, obj)


class ObligationSelect(forms.Select):
    """Each 公开事项 says its 类别, so static/js/admin-item.js can narrow the list to the chosen one."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-category"] = str(instance.category_id)
        return option

    def render(self, name, value, attrs=None, renderer=None):
        hint = '<p class="help" id="obligation-narrowed" aria-live="polite"></p>'
        return mark_safe(super().render(name, value, attrs, renderer) + hint)


class ItemAdminForm(forms.ModelForm):
    # Most items are neither 规章 nor 行政规范性文件: a form without the field means 其他.
    document_kind = forms.ChoiceField(
        label=Item._meta.get_field("document_kind").verbose_name,
        choices=Item.DocumentKind.choices,
        initial=Item.DocumentKind.OTHER,
        required=False,
        help_text=Item._meta.get_field("document_kind").help_text,
    )

    def clean_document_kind(self):
        return self.cleaned_data.get("document_kind") or Item.DocumentKind.OTHER

    class Meta:
        model = Item
        fields = CONTENT_FORM_FIELDS
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scheduled = self.fields.get("scheduled_for")
        if scheduled is not None and hasattr(scheduled.widget, "widgets"):
            # One label cannot name the date and the time box: each says what it is.
            date_input, time_input = scheduled.widget.widgets
            date_input.attrs["aria-label"] = "定时发布日期"
            time_input.attrs["aria-label"] = "定时发布时间"


@admin.register(Item)
class ItemAdmin(OrganisationScopedAdmin):
    form = ItemAdminForm
    inlines = [AttachmentInline]
    change_form_template = "disclosure/admin/item_change_form.html"

    class Media:
        js = ["js/admin-item.js"]

    list_display = [
        "title",
        "index_number",
        "organisation_name",
        "category",
        "state_label",
        "published_at",
        "due_label",
        "timeliness",
        "open_findings_flag",
    ]
    list_display_links = ["title"]
    list_select_related = ["organisation", "category", "review_step"]
    list_filter = [
        "status",
        TimelinessFilter,
        OwnCategoryFilter,
        ScopedOrganisationFilter,
        "validity",
        "is_emergency",
        "mode",
    ]
    search_fields = ["title", "index_number", "document_number", "keywords"]
    date_hierarchy = "published_at"
    list_per_page = 50
    ordering = ["-updated_at", "-pk"]
    actions = None

    # --- list ----------------------------------------------------------------------------

    def get_list_display(self, request):
        # The publishing body column only helps those who see more than one township (the county office).
        if not hasattr(request, "_sees_many_organisations"):
            visible = access.visible_organisations(request.user).exclude(kind=Organisation.Kind.OFFICE)
            request._sees_many_organisations = visible[:2].count() > 1
        if request._sees_many_organisations:
            return self.list_display
        return [name for name in self.list_display if name != "organisation_name"]

    def get_queryset(self, request):
        open_findings = PersonalDataFinding.objects.filter(item=OuterRef("pk"), status=PersonalDataFinding.Status.OPEN)
        pending = ItemRevision.objects.filter(item=OuterRef("pk"), state=ItemRevision.State.PENDING)
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related, "created_by")
            .annotate(has_open_findings=Exists(open_findings), has_pending_change=Exists(pending))
        )

    # The admin asks the same permission questions many times per page; answer each once.
    def _remembered(self, request, question, obj, answer):
        cache = request.__dict__.setdefault("_item_admin_permissions", {})
        key = (question, obj.organisation_id if obj is not None else None)
        if key not in cache:
            cache[key] = answer()
        return cache[key]

    def has_view_permission(self, request, obj=None):
        return self._remembered(request, "view", obj, lambda: super(ItemAdmin, self).has_view_permission(request, obj))

    def has_change_permission(self, request, obj=None):
        return self._remembered(
            request, "change", obj, lambda: super(ItemAdmin, self).has_change_permission(request, obj)
        )

    @admin.display(description=_("公开主体"), ordering="organisation__order")
    def organisation_name(self, obj):
        return obj.organisation.short_name

    @admin.display(description=_("状态"), ordering="status")
    def state_label(self, obj):
        label = obj.get_status_display()
        if obj.review_step_id:
            label = (
                f"{label} · {obj.review_step.name}"
                if obj.status == Item.Status.IN_REVIEW
                else (f"{label}（修改审核中 · {obj.review_step.name}）")
            )
        elif getattr(obj, "has_pending_change", False):
            label = f"{label}（有未送审的修改）"
        if obj.status == Item.Status.APPROVED and obj.scheduled_for:
            label = f"{label}（定时 {timezone.localtime(obj.scheduled_for):%Y-%m-%d %H:%M}）"
        if obj.is_emergency:
            label = f"{label} · 紧急发布" + ("（待事后审批）" if obj.awaits_emergency_confirmation else "")
        return label

    @admin.display(description=_("及时性"))
    def timeliness(self, obj):
        return queries.lateness_label(obj) or "—"

    @admin.display(description=_("应公开日期"), ordering="due_on")
    def due_label(self, obj):
        if obj.due_on is None:
            return "—"
        if obj.due_on_provisional:
            return f"{obj.due_on:%Y-%m-%d}（暂定：节假日安排未载入，按周末推算）"
        return f"{obj.due_on:%Y-%m-%d}"

    @admin.display(description=_("个人信息"), boolean=True)
    def open_findings_flag(self, obj):
        return not getattr(obj, "has_open_findings", False)

    @admin.display(description=_("紧急发布"))
    def emergency_label(self, obj):
        if not obj.is_emergency:
            return "—"
        confirmed = (
            f"已由{obj.emergency_confirmed_by}事后审批" if obj.emergency_confirmed_by_id else "待分管领导事后审批"
        )
        return f"理由：{obj.emergency_reason}；{confirmed}"

    # --- form ----------------------------------------------------------------------------

    def _editable(self, request, obj) -> bool:
        if obj is None:
            return True
        if not self.has_change_permission(request, obj):
            return False
        return obj.status == Item.Status.DRAFT or (obj.status == Item.Status.PUBLISHED and obj.review_step_id is None)

    def _form_editable(self, request, obj) -> bool:
        """Whether the form takes the content: a saved form is bound to what was typed, whatever the state now.

        Had the item gone to review since the page was opened, read-only fields would drop the
        typed text with a success message; bound, the service refuses the change instead and
        the form is shown again with the text and the reason (`changeform_view`).
        """
        if request.method == "POST" and obj is not None and self.has_change_permission(request, obj):
            return True
        return self._editable(request, obj)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # A published item is edited through its pending change: show that, not the online text.
        return services.working_copy(obj) if obj is not None else None

    def get_fieldsets(self, request, obj=None):
        # Reviewers read the body as residents will see it (sanitised HTML), not as its source.
        body = "body" if obj is None or self._form_editable(request, obj) else "body_rendered"
        content = [
            (_("基本信息"), {"fields": ["organisation", "category", "obligation", "publisher", "title"]}),
            (_("文件信息"), {"fields": ["document_number", "document_kind", "written_on", "mode", "keywords"]}),
            (_("内容"), {"fields": ["summary", body]}),
            (_("发布"), {"fields": ["scheduled_for"]}),
        ]
        if obj is None:
            return content
        return [(_("发布状态"), {"fields": STATE_FIELDS})] + content

    @admin.display(description=_("正文"))
    def body_rendered(self, obj):
        if not obj.body:
            return "（无正文）"
        return format_html('<div class="item-body-rendered">{}</div>', mark_safe(sanitize_body(obj.body)))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = [*STATE_FIELDS, "organisation"]
        if not self._form_editable(request, obj):
            readonly += [*CONTENT_FORM_FIELDS, "body_rendered"]
        elif obj.status == Item.Status.PUBLISHED:
            readonly.append("scheduled_for")
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        staff = access.staff_of(request.user)
        if staff is not None:
            organisation = staff.organisation.disclosing_body
            initial.setdefault("organisation", organisation.pk)
            initial.setdefault("publisher", staff.organisation.pk)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organisation" and formfield is not None:
            formfield.queryset = formfield.queryset.exclude(kind=Organisation.Kind.OFFICE)
        if db_field.name in ("category", "obligation") and formfield is not None:
            formfield.queryset = formfield.queryset.select_related("organisation")
        return formfield

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "obligation":
            kwargs["widget"] = ObligationSelect
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AttachmentInline):
            kwargs["form_kwargs"] = {"by": request.user}
        return kwargs

    def save_model(self, request, obj, form, change):
        if not change:
            values = {name: form.cleaned_data.get(name) for name in CONTENT_FORM_FIELDS}
            item = services.item_create(by=request.user, **values)
            obj.pk = item.pk
            obj.created_by = request.user
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.EDITABLE_FIELDS and name in form.cleaned_data
        }
        if changes:
            services.item_update(item=obj, by=request.user, **changes)
            # Said in response_change, once the whole save (attachments too) has gone through.
            request._pending_change_saved = obj.status == Item.Status.PUBLISHED

    def response_change(self, request, obj):
        if getattr(request, "_pending_change_saved", False):
            messages.info(request, "修改已保存为待审核的新版本，送审通过后才会上线；网上仍显示原来的内容。")
        return super().response_change(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            """The form as posted, invalid with the reasons the service gave (so the admin saves nothing)."""

            def clean(self):
                cleaned = super().clean()
                if isinstance(refusal, ValidationError):
                    _errors_to_form(self, refusal)
                else:
                    self.add_error(None, _message(refusal))
                return cleaned

        return RefusedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            # Outermost, around the admin's own transaction: files uploaded by the attachment
            # inline are removed if anything later in the save fails (township_portal.lib.files).
            with atomic_with_files():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as exc:
            if request.method != "POST" or getattr(request, "_service_refusal", None) is not None:
                raise
            # A service refused the save and everything rolled back. The form is shown again as
            # it was posted, with the service's reasons as its errors: nothing typed is lost.
            request._service_refusal = exc
        return self.changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        item = self.get_queryset(request).filter(pk=object_id).select_related("review_step").first()
        if item is not None and self.has_view_permission(request, item):
            extra_context.update(self._panel_context(request, item))
            if not self._editable(request, item):
                extra_context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- the panel above and below the form ------------------------------------------------

    def _panel_context(self, request, item) -> dict:
        user = request.user
        roles = services.roles_for(user, item)
        writer = self.has_change_permission(request, item)
        review = Review.objects.filter(item=item, status=Review.Status.IN_REVIEW).select_related("last_actor").first()
        step = item.review_step
        findings = list(
            item.findings.exclude(status=PersonalDataFinding.Status.GONE)
            .select_related("resolved_by", "attachment")
            .order_by("status", "location", "pk")
        )
        pending = ItemRevision.objects.filter(item=item, state=ItemRevision.State.PENDING).exists()
        can = {
            "submit": writer
            and (
                item.status == Item.Status.DRAFT
                or (item.status == Item.Status.PUBLISHED and pending and item.review_step_id is None)
            ),
            "decide_role": step is not None and step.role in roles,
            "decide": step is not None and not services.review_refusal(user, item, review, step),
            "publish": writer and item.status == Item.Status.APPROVED,
            "recall": item.status == Item.Status.APPROVED and bool(roles & {Role.APPROVER, Role.ORG_ADMIN}),
            "emergency": Role.ORG_ADMIN in roles
            and item.status in (Item.Status.DRAFT, Item.Status.IN_REVIEW, Item.Status.APPROVED),
            "confirm": item.awaits_emergency_confirmation and Role.APPROVER in roles,
            "withdraw": item.status == Item.Status.PUBLISHED and bool(roles & {Role.APPROVER, Role.ORG_ADMIN}),
            "repeal": item.status == Item.Status.PUBLISHED
            and item.validity == Item.Validity.VALID
            and bool(roles & {Role.APPROVER, Role.ORG_ADMIN}),
            "discard": writer and pending and item.review_step_id is None and item.status == Item.Status.PUBLISHED,
            "mask": writer and item.status in (Item.Status.DRAFT, Item.Status.IN_REVIEW, Item.Status.PUBLISHED),
            "override": Role.APPROVER in roles and user.pk != item.created_by_id,
            "channel": writer and item.status == Item.Status.PUBLISHED,
        }
        decisions = list(
            ReviewDecision.objects.filter(review__item=item).select_related("actor").order_by("-pk")[:PANEL_LIMIT]
        )
        revisions = list(item.revisions.select_related("created_by").order_by("-number")[:PANEL_LIMIT])
        attachment_ids = [str(pk) for pk in item.attachments.values_list("pk", flat=True)]
        events = list(
            AuditEvent.objects.filter(
                Q(object_type="disclosure.item", object_id=str(item.pk))
                | Q(object_type="disclosure.attachment", object_id__in=attachment_ids)
            )
            .select_related("actor")
            .order_by("-at", "-pk")[:PANEL_LIMIT]
        )
        for event in events:
            event.sentence = event_sentence(event)
        return {
            "panel": True,
            "item": item,
            "review": review,
            "step": step,
            "can": can,
            "cannot_decide_reason": services.review_refusal(user, item, review, step) if can["decide_role"] else "",
            "findings": findings,
            "open_findings": [f for f in findings if f.status == PersonalDataFinding.Status.OPEN],
            "maskable_count": sum(1 for f in findings if f.status == PersonalDataFinding.Status.OPEN and f.is_maskable),
            "decisions": decisions,
            "returned_comment": next((d for d in decisions if d.decision == ReviewDecision.Decision.RETURN), None)
            if item.status == Item.Status.DRAFT or (item.status == Item.Status.PUBLISHED and pending)
            else None,
            "pending_change": pending,
            "revisions": revisions,
            "channels": list(item.channels.select_related("recorded_by").order_by("-posted_on", "-pk")),
            "events": events,
            "timeliness_text": queries.lateness_label(item),
        }

    # --- extra views -----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:object_id>/workflow/", wrap(self.workflow_view), name="disclosure_item_workflow"),
            path("<int:object_id>/channel/", wrap(self.channel_view), name="disclosure_item_channel"),
            path(
                "<int:object_id>/revisions/<int:number>/",
                wrap(self.revision_view),
                name="disclosure_item_revision",
            ),
            *super().get_urls(),
        ]

    def _item_or_404(self, request, object_id) -> Item:
        item = self.get_queryset(request).filter(pk=object_id).first()
        if item is None or not self.has_view_permission(request, item):
            raise Http404("没有这条信息，或您无权查看。")
        return item

    def workflow_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = self._item_or_404(request, object_id)
        action = request.POST.get("action", "")
        handler = WORKFLOW_ACTIONS.get(action)
        if handler is None:
            messages.error(request, "未知的操作。")
        else:
            try:
                done = handler(item, request.user, request.POST)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _message(exc))
            else:
                messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:disclosure_item_change", args=[item.pk]))

    def channel_view(self, request, object_id):
        item = self._item_or_404(request, object_id)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        form = ChannelForm(request.POST or None, request.FILES or None, initial={"key": uuid.uuid4()})
        if request.method == "POST" and form.is_valid():
            try:
                services.channel_record(item=item, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, _message(exc))
            else:
                messages.success(request, "已登记公开渠道。")
                return HttpResponseRedirect(reverse("admin:disclosure_item_change", args=[item.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "item": item,
            "form": form,
            "title": f"登记公开渠道：{item}",
        }
        return TemplateResponse(request, "disclosure/admin/channel_form.html", context)

    def revision_view(self, request, object_id, number):
        item = self._item_or_404(request, object_id)
        revisions = list(item.revisions.filter(number__lte=number).select_related("created_by").order_by("-number")[:2])
        if not revisions or revisions[0].number != number:
            raise Http404("没有这个版本。")
        revision = revisions[0]
        previous = revisions[1] if len(revisions) > 1 else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "item": item,
            "revision": revision,
            "previous": previous,
            "changes": revision.diff(previous),
            "title": f"第{revision.number}版的修改：{item}",
        }
        return TemplateResponse(request, "disclosure/admin/revision_diff.html", context)


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("公开渠道"), choices=[(c.value, c.label) for c in Channel if c != Channel.WEBSITE]
    )
    posted_on = forms.DateField(label=_("公开日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("张贴地点"), max_length=100, required=False, help_text=_("公示栏必填。"))
    link = forms.CharField(label=_("链接"), max_length=200, required=False, help_text=_("微信等新媒体必填。"))
    photo = forms.FileField(
        label=_("现场照片"), required=False, help_text=_("可选，JPEG、PNG 等图片；照片中的拍摄位置和相机信息会被去除。")
    )
    # The idempotency key: the same form posted twice records once.
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您没有权限进行此操作。"


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _step(post) -> ReviewStep | None:
    pk = post.get("step", "")
    return ReviewStep.objects.filter(pk=pk).first() if pk.isdigit() else None


def _finding(item, post) -> PersonalDataFinding:
    pk = post.get("finding", "")
    finding = item.findings.filter(pk=pk).first() if pk.isdigit() else None
    if finding is None:
        raise ValidationError("没有这条检查结果。")
    return finding


def _submit(item, user, post):
    services.item_submit(item=item, by=user)
    return "已送审。"


def _approve(item, user, post):
    step = _step(post)
    if step is None:
        raise ValidationError("请刷新页面后再操作。")
    result = services.item_review(item=item, by=user, approve=True, comment=post.get("comment", ""), step=step)
    if result.status == Item.Status.PUBLISHED and result.review_step_id is None:
        return f"已同意并发布，索引号 {result.index_number}。"
    if result.status == Item.Status.APPROVED:
        return "已同意，将按定时发布时间自动发布。"
    return f"已同意，转入“{result.review_step.name}”环节。"


def _return(item, user, post):
    step = _step(post) if item.status != Item.Status.APPROVED else None
    if step is None and item.status != Item.Status.APPROVED:
        raise ValidationError("请刷新页面后再操作。")
    services.item_return(item=item, by=user, comment=post.get("comment", ""), step=step)
    return "已退回起草人修改。"


def _publish(item, user, post):
    result = services.item_publish(item=item, by=user)
    return f"已发布，索引号 {result.index_number}。"


def _emergency(item, user, post):
    result = services.item_emergency_publish(item=item, by=user, reason=post.get("reason", ""))
    return f"已紧急发布，索引号 {result.index_number}；请分管领导事后审批。"


def _confirm(item, user, post):
    services.item_emergency_confirm(item=item, by=user, comment=post.get("comment", ""))
    return "已完成事后审批。"


def _withdraw(item, user, post):
    services.item_withdraw(item=item, by=user, reason=post.get("reason", ""))
    return "已撤回；公开页面将显示撤回时间和理由。"


def _repeal(item, user, post):
    try:
        repealed_on = date.fromisoformat(post.get("repealed_on", ""))
    except ValueError:
        raise ValidationError("请按 年-月-日 填写废止日期。") from None
    replacement = None
    number = post.get("replaced_by", "").strip()
    if number:
        replacement = Item.objects.filter(organisation=item.organisation, index_number=number).first()
        if replacement is None:
            raise ValidationError(f"本机构没有索引号为“{number}”的信息。")
    services.item_repeal(item=item, by=user, repealed_on=repealed_on, replaced_by=replacement)
    return "已标记为已修订。" if replacement else "已标记为废止。"


def _discard(item, user, post):
    services.item_change_discard(item=item, by=user)
    return "已放弃未上线的修改。"


def _scan(item, user, post):
    found = services.item_scan(item=item, by=user)
    return f"检查完成：{len(found)} 条待处理。" if found else "检查完成：未发现个人信息或敏感词。"


def _mask_all(item, user, post):
    return f"已对 {services.finding_mask_all(item=item, by=user)} 条检查结果脱敏。"


def _mask(item, user, post):
    services.finding_mask(finding=_finding(item, post), by=user)
    return "已脱敏。"


def _override(item, user, post):
    services.finding_override(finding=_finding(item, post), by=user, reason=post.get("reason", ""))
    return "已确认无需处理，理由已记录。"


WORKFLOW_ACTIONS = {
    "submit": _submit,
    "approve": _approve,
    "return": _return,
    "publish": _publish,
    "emergency_publish": _emergency,
    "emergency_confirm": _confirm,
    "withdraw": _withdraw,
    "repeal": _repeal,
    "discard_change": _discard,
    "scan": _scan,
    "mask_all": _mask_all,
    "mask": _mask,
    "override": _override,
}


class ReviewStepForm(forms.ModelForm):
    class Meta:
        model = ReviewStep
        fields = [
            "organisation",
            "order",
            "name",
            "role",
            "must_differ_from_previous",
            "is_secrecy_review",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        if organisation is not None and not cleaned.get("is_active"):
            others = ReviewStep.objects.filter(organisation=organisation, is_active=True)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if not others.exists():
                raise ValidationError("至少要保留一个启用的审核环节。")
        return cleaned


@admin.register(ReviewStep)
class ReviewStepAdmin(OrganisationScopedAdmin):
    """Each township's review procedure; only its administrator changes it."""

    form = ReviewStepForm
    write_roles = frozenset({Role.ORG_ADMIN})
    list_display = [
        "name",
        "organisation",
        "order",
        "role",
        "must_differ_from_previous",
        "is_secrecy_review",
        "is_active",
    ]
    list_filter = ["role", "is_active"]
    list_select_related = ["organisation"]
    ordering = ["organisation", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organisation" and formfield is not None:
            formfield.queryset = formfield.queryset.exclude(kind=Organisation.Kind.OFFICE)
        return formfield

    def save_model(self, request, obj, form, change):
        services.review_step_save(step=obj, by=request.user)


@admin.register(PersonalDataFinding)
class PersonalDataFindingAdmin(OrganisationScopedAdmin):
    """All findings across items, to follow up what is still open; they are handled on the item's page."""

    organisation_field = "item__organisation"
    list_display = ["masked_value", "kind", "location", "item_link", "status", "found_at", "resolved_by"]
    list_filter = ["status", "kind", "location"]
    list_select_related = ["item", "resolved_by"]
    search_fields = ["item__title", "item__index_number", "masked_value"]
    ordering = ["-found_at", "-pk"]

    @admin.display(description=_("公开信息"))
    def item_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:disclosure_item_change", args=[obj.item_id]), obj.item.title
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
