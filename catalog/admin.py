from urllib.parse import quote

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, Count, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from catalog import access
from catalog.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline
from catalog.forms import CatalogAdoptForm, CatalogImportForm, ObligationForm
from catalog.models import (
    GUIDE_CONTENT_FIELDS,
    CalendarDay,
    Category,
    GuideVersion,
    HolidayCalendarYear,
    Obligation,
    Organisation,
    Role,
    Staff,
    UncoveredArea,
)
from catalog.services import (
    catalog_adopt,
    catalog_export_rows,
    catalog_import,
    guide_review_confirm,
    guide_revise,
    responsible_body_candidates,
)
from catalog.transfer import CatalogFileError, rows_to_csv, rows_to_xlsx

STAFF_ROLE_FIELDS = [f"is_{role}" for role in Role.values]


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_field = "pk"
    write_roles = frozenset({Role.ORG_ADMIN})
    list_display = ["name", "short_name", "kind", "parent", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code", "slug"]
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["parent", "kind", "name", "short_name", "slug", "code", "is_active", "order"]}),
        (_("联系方式"), {"fields": ["address", "phone", "fax", "email", "office_hours"]}),
        (_("公开设置"), {"fields": ["index_number_format", "monthly_minimum_items"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        # Township administrators keep their contact details current; the tree is the county's.
        return ["parent", "kind", "slug", "code", "is_active", "index_number_format", "monthly_minimum_items"]

    def has_add_permission(self, request):
        # New townships, departments and offices are set up by the county's system administrator.
        return request.user.is_superuser


@admin.register(Staff)
class StaffAdmin(OrganisationScopedAdmin):
    write_roles = frozenset({Role.ORG_ADMIN})
    list_display = ["__str__", "title", "organisation", "is_author", "is_reviewer", "is_approver", "is_org_admin"]
    list_filter = ["is_author", "is_reviewer", "is_approver", "is_org_admin", "is_county_office"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["organisation"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["user", "organisation", "is_county_office"]

    def has_add_permission(self, request):
        # Accounts are created by the county's system administrator.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        """Role changes are audited: who gave whom which role, before and after."""
        before = None
        if change:
            before = dict(Staff.objects.filter(pk=obj.pk).values(*STAFF_ROLE_FIELDS, "organisation_id").get())
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name) for name in [*STAFF_ROLE_FIELDS, "organisation_id"]}
        if before != after:
            audit_record(
                actor=request.user,
                action="staff.roles" if change else "staff.create",
                obj=obj,
                organisation=obj.organisation,
                before=before,
                after=after,
            )


# --- the catalog tree ------------------------------------------------------------------


class ResponsibleBodyChoices:
    """Admin mixin: 公开主体 choices are the bodies a catalog row may name (see responsible_body_candidates)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "responsible_body" and formfield is not None:
            formfield.queryset = _responsible_bodies(request, formfield.queryset)
        return formfield


def _responsible_bodies(request, queryset):
    """A township's obligations may name county bodies (县级事项) besides its own offices."""
    if request.user.is_superuser:
        return queryset
    staff = access.staff_of(request.user)
    if staff is None:
        return queryset.none()
    return responsible_body_candidates(staff.organisation)


class ObligationInlineFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Obligations belong to their category's organisation; set it before model validation runs.
        form.instance.organisation_id = self.instance.organisation_id
        return form

    def clean(self):
        super().clean()
        codes = {}
        for form in self.forms:
            code = form.cleaned_data.get("code") if form.cleaned_data else None
            if not code or form.cleaned_data.get("DELETE"):
                continue
            if code in codes:
                form.add_error("code", _("序号“%(code)s”在本页重复。") % {"code": code})
            codes[code] = form.instance.pk
        taken = Obligation.objects.filter(organisation_id=self.instance.organisation_id, code__in=codes).exclude(
            pk__in=[pk for pk in codes.values() if pk]
        )
        clashes = set(taken.values_list("code", flat=True))
        for form in self.forms:
            if form.cleaned_data and form.cleaned_data.get("code") in clashes:
                form.add_error(
                    "code", _("本机构已有序号为“%(code)s”的公开事项。") % {"code": form.cleaned_data["code"]}
                )


class ObligationInline(ResponsibleBodyChoices, OrganisationScopedInline):
    model = Obligation
    form = ObligationForm
    formset = ObligationInlineFormSet
    fk_name = "category"
    fields = [
        "code",
        "order",
        "first_level",
        "second_level",
        "content_elements",
        "time_limit_kind",
        "time_limit_days",
        "period",
        "responsible_body",
        "channels",
        "is_active",
    ]
    show_change_link = True
    ordering = ["order", "code"]


def _tree_ordered(queryset):
    """Categories in tree order (parent, then its children), for trees up to three levels deep."""
    depth = Case(
        When(parent__isnull=True, then=Value(0)),
        When(parent__parent__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.annotate(
        tree_depth=depth,
        root_order=Coalesce("parent__parent__order", "parent__order", "order"),
        root_code=Coalesce("parent__parent__code", "parent__code", "code"),
        mid_order=Case(
            When(parent__isnull=True, then=Value(-1)),
            When(parent__parent__isnull=True, then="order"),
            default="parent__order",
            output_field=IntegerField(),
        ),
        mid_code=Case(
            When(parent__isnull=True, then=Value("")),
            When(parent__parent__isnull=True, then="code"),
            default="parent__code",
            output_field=CharField(),
        ),
        leaf_order=Case(
            When(parent__parent__isnull=False, then="order"), default=Value(-1), output_field=IntegerField()
        ),
    ).order_by(*TREE_ORDERING)


TREE_ORDERING = [
    "organisation__order",
    "organisation__name",
    "root_order",
    "root_code",
    "mid_order",
    "mid_code",
    "leaf_order",
    "code",
]


class TreeChangeList(ChangeList):
    """Keeps the tree order unless the user sorts by a column header."""

    def get_ordering(self, request, queryset):
        if self.params.get(ORDER_VAR):
            return super().get_ordering(request, queryset)
        return [*TREE_ORDERING, "-pk"]


class OwnCategoryFilter(admin.SimpleListFilter):
    title = _("目录类别")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        categories = Category.objects.filter(organisation__in=access.visible_organisations(request.user))
        return [
            (c.pk, f"{c.code} {c.name}（{c.organisation.short_name}）")
            for c in _tree_ordered(categories).select_related("organisation")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdecimal():
            return queryset.filter(
                Q(category_id=value) | Q(category__parent_id=value) | Q(category__parent__parent_id=value)
            )
        return queryset


@admin.register(Category)
class CategoryAdmin(OrganisationScopedAdmin):
    list_display = ["tree_name", "code", "organisation", "column_kind", "order", "obligation_count", "is_active"]
    list_display_links = ["tree_name"]
    list_editable = ["order"]
    list_filter = ["column_kind", "is_active", "organisation__kind"]
    search_fields = ["name", "code"]
    list_select_related = ["organisation", "parent"]
    list_per_page = 200

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organisation" and formfield is not None:
            # Catalogs belong to the disclosing bodies (townships, departments, the county's template).
            formfield.queryset = formfield.queryset.exclude(kind=Organisation.Kind.OFFICE)
        return formfield

    fields = ["organisation", "parent", "code", "name", "description", "column_kind", "order", "is_active", "source"]
    readonly_fields = ["source"]
    inlines = [ObligationInline]
    change_list_template = "catalog/admin/category_change_list.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(obligation_total=Count("obligations"))
        return _tree_ordered(queryset)

    def get_changelist(self, request, **kwargs):
        return TreeChangeList

    @admin.display(description=_("类别名称"))
    def tree_name(self, obj):
        return format_html("{}{}", "\u3000\u3000" * obj.tree_depth + ("└ " if obj.tree_depth else ""), obj.name)

    @admin.display(description=_("公开事项数"))
    def obligation_count(self, obj):
        return obj.obligation_total

    def get_urls(self):
        own = [
            path("transfer/", self.admin_site.admin_view(self.transfer_view), name="catalog_category_transfer"),
            path("export/", self.admin_site.admin_view(self.export_view), name="catalog_category_export"),
            path("adopt/", self.admin_site.admin_view(self.adopt_view), name="catalog_category_adopt"),
        ]
        return own + super().get_urls()

    def _editable(self, request):
        if not self.has_add_permission(request):
            return Organisation.objects.none()
        return access.editable_organisations(request.user).exclude(kind=Organisation.Kind.OFFICE)

    def transfer_view(self, request):
        """Import a catalog file into an organisation the user may change; export links for what they see."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        editable = self._editable(request)
        form = None
        if editable.exists():
            form = CatalogImportForm(request.POST or None, request.FILES or None, organisations=editable)
            if request.method == "POST" and form.is_valid():
                upload = form.cleaned_data["file"]
                organisation = form.cleaned_data["organisation"]
                try:
                    result = catalog_import(
                        organisation=organisation,
                        file_name=upload.name,
                        data=upload.read(),
                        by=request.user,
                        default_category=form.cleaned_data["default_category"],
                    )
                except CatalogFileError as exc:
                    form.add_error("file", "文件有问题，未导入任何内容。")
                    for problem in exc.problems:
                        messages.error(request, str(problem))
                else:
                    messages.success(
                        request,
                        f"已导入{organisation.short_name}目录：新增类别 {result.categories_created} 个、更新 "
                        f"{result.categories_updated} 个，新增事项 {result.obligations_created} 项、更新 "
                        f"{result.obligations_updated} 项。",
                    )
                    return redirect("admin:catalog_category_changelist")
        visible = access.visible_organisations(request.user).exclude(kind=Organisation.Kind.OFFICE)
        context = {
            **self.admin_site.each_context(request),
            "title": "导入 / 导出公开目录",
            "opts": self.model._meta,
            "form": form,
            "exportable": visible.order_by("order", "name"),
            "max_mb": settings.CATALOG_IMPORT_MAX_BYTES / 1024 / 1024,
        }
        return TemplateResponse(request, "catalog/admin/transfer.html", context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        wanted = request.GET.get("organisation", "")
        organisation = (
            access.visible_organisations(request.user).filter(pk=wanted).first() if wanted.isdecimal() else None
        )
        if organisation is None:
            raise PermissionDenied
        rows = catalog_export_rows(organisation=organisation)
        stamp = timezone.localdate().strftime("%Y%m%d")
        if request.GET.get("format") == "csv":
            response = HttpResponse(rows_to_csv(rows), content_type="text/csv; charset=utf-8")
            extension = "csv"
        else:
            response = HttpResponse(
                rows_to_xlsx(rows, title=f"{organisation.name}政府信息公开目录"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            extension = "xlsx"
        file_name = f"{organisation.short_name}公开目录-{stamp}.{extension}"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
        return response

    def adopt_view(self, request):
        editable = self._editable(request).filter(kind__in=[Organisation.Kind.TOWNSHIP, Organisation.Kind.DEPARTMENT])
        if not editable.exists():
            raise PermissionDenied
        templates = Organisation.objects.filter(kind=Organisation.Kind.COUNTY, categories__isnull=False).distinct()
        form = CatalogAdoptForm(request.POST or None, townships=editable, templates=templates)
        if request.method == "POST" and form.is_valid():
            township = form.cleaned_data["township"]
            try:
                result = catalog_adopt(
                    township=township, template_org=form.cleaned_data["template_org"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(
                    request,
                    f"{township.short_name}已采用模板目录：新增类别 {result.categories_created} 个、公开事项 "
                    f"{result.obligations_created} 项；已有的 {result.categories_kept} 个类别、"
                    f"{result.obligations_kept} 项事项保持不变。",
                )
                return redirect("admin:catalog_category_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "采用县级模板目录",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "catalog/admin/adopt.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_adopt": self._editable(request).exists()}
        return super().changelist_view(request, extra_context)


@admin.register(Obligation)
class ObligationAdmin(ResponsibleBodyChoices, OrganisationScopedAdmin):
    form = ObligationForm
    list_display = ["code", "first_level", "second_level", "category", "organisation", "time_limit_kind", "is_active"]
    list_filter = [OwnCategoryFilter, "mode", "level", "time_limit_kind", "is_active"]
    search_fields = ["first_level", "second_level", "code", "content_elements"]
    list_select_related = ["category", "organisation"]
    readonly_fields = ["source"]
    fieldsets = [
        (None, {"fields": ["organisation", "category", "code", "order", "first_level", "second_level", "is_active"]}),
        (_("公开内容"), {"fields": ["content_elements", "legal_basis"]}),
        (_("公开时限"), {"fields": ["time_limit_kind", "time_limit_days", "period", "expected_frequency"]}),
        (_("公开主体、渠道和方式"), {"fields": ["responsible_body", "channels", "audience", "mode", "level"]}),
        (_("来源"), {"fields": ["source"]}),
    ]


@admin.register(UncoveredArea)
class UncoveredAreaAdmin(OrganisationScopedAdmin):
    list_display = ["area", "organisation", "explanation"]
    list_filter = ["area"]
    list_select_related = ["organisation"]


# --- the guide ---------------------------------------------------------------------------


@admin.register(GuideVersion)
class GuideVersionAdmin(OrganisationScopedAdmin):
    """Each save of a guide writes a new version; old versions are shown read-only."""

    list_display = ["__str__", "organisation", "number", "effective_on", "created_at", "review_state"]
    list_select_related = ["organisation"]
    list_filter = ["organisation__kind"]
    actions = ["confirm_review"]
    fieldsets = [
        (None, {"fields": ["organisation", "effective_on", "change_note"]}),
        (
            _("工作机构"),
            {"fields": ["office_name", "address", "office_hours", "phone", "fax", "email", "online_contact"]},
        ),
        (
            _("指南内容"),
            {"fields": ["classification", "how_to_obtain", "application_procedure", "fees", "remedies"]},
        ),
        (_("版本"), {"fields": ["number", "created_by", "created_at", "reviewed_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                newest=Coalesce(
                    GuideVersion.objects.filter(organisation=OuterRef("organisation"))
                    .order_by("-number")
                    .values("number")[:1],
                    Value(0),
                )
            )
        )

    def _is_current(self, obj) -> bool:
        newest = getattr(obj, "newest", None)
        if newest is None:
            newest = GuideVersion.objects.current_for(obj.organisation_id).number
        return obj.number == newest

    @admin.display(description=_("状态"))
    def review_state(self, obj):
        if not self._is_current(obj):
            return "历史版本"
        return "须重新审阅" if obj.review_due() else "现行版本"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organisation" and formfield is not None:
            # Guides belong to the bodies that disclose: townships, departments, the county.
            formfield.queryset = formfield.queryset.exclude(kind=Organisation.Kind.OFFICE)
        return formfield

    def has_change_permission(self, request, obj=None):
        # Only the current version can be revised (which writes a new one); old versions are history.
        return super().has_change_permission(request, obj) and (obj is None or self._is_current(obj))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["number", "created_by", "created_at", "reviewed_at"]
        if not self._is_current(obj):
            return [f.name for f in GuideVersion._meta.fields if f.name != "id"]
        return ["organisation", "number", "created_by", "created_at", "reviewed_at"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:-1]
        return self.fieldsets

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        staff = access.staff_of(request.user)
        if staff is not None:
            organisation = staff.organisation.disclosing_body
            current = GuideVersion.objects.current_for(organisation)
            initial["organisation"] = organisation.pk
            if current is not None:
                initial.update({name: getattr(current, name) for name in GUIDE_CONTENT_FIELDS})
            else:
                initial.update(
                    {name: getattr(organisation, name) for name in ("address", "office_hours", "phone", "fax", "email")}
                )
        initial.setdefault("effective_on", timezone.localdate())
        return initial

    def save_model(self, request, obj, form, change):
        version = guide_revise(
            organisation=obj.organisation,
            by=request.user,
            values={name: form.cleaned_data[name] for name in GUIDE_CONTENT_FIELDS if name in form.cleaned_data},
            note=form.cleaned_data.get("change_note", ""),
            effective_on=form.cleaned_data.get("effective_on"),
        )
        # The admin redirects to `obj`: point it at the new version; the edited one is unchanged in the database.
        obj.pk, obj.number = version.pk, version.number
        messages.info(request, f"已保存为第 {version.number} 版；以前的版本仍可查看。")

    def changelist_view(self, request, extra_context=None):
        current = GuideVersion.objects.current().filter(organisation__in=access.visible_organisations(request.user))
        due = [version for version in current.select_related("organisation") if version.review_due()]
        for version in due:
            messages.warning(
                request,
                f"{version.organisation.short_name}的公开指南已超过 {settings.GUIDE_REVIEW_MONTHS} 个月未审阅"
                f"（最近一次 {timezone.localtime(version.last_reviewed_at):%Y-%m-%d}），请核对后修订或确认。",
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("确认所选现行指南已审阅、内容无需修改"))
    def confirm_review(self, request, queryset):
        confirmed = 0
        for version in queryset.select_related("organisation"):
            if not self.has_change_permission(request, version) or not self._is_current(version):
                continue
            guide_review_confirm(version=version, by=request.user)
            confirmed += 1
        messages.success(request, f"已确认 {confirmed} 份公开指南。")


# --- the working-day calendar --------------------------------------------------------------


class CalendarDayInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not any(data.get("kind") == CalendarDay.Kind.HOLIDAY for data in kept):
            raise ValidationError(_("每个年度至少要有一个放假日期（如元旦）；空的年度会把每个工作日都算作上班。"))


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayInlineFormSet
    fields = ["date", "kind", "name"]
    extra = 1

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or access.staff_of(request.user) is not None

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(HolidayCalendarYear)
class HolidayCalendarYearAdmin(admin.ModelAdmin):
    """The county-wide holiday schedule: everyone with an account reads it, the system administrator corrects it.

    New years are loaded with `manage.py load_calendar <file>`; this page corrects single days.
    """

    list_display = ["year", "source", "holiday_count", "workday_count", "loaded_at"]
    fields = ["year", "source"]
    inlines = [CalendarDayInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_total=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
                workday_total=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
            )
        )

    @admin.display(description=_("放假天数"), ordering="holiday_total")
    def holiday_count(self, obj):
        return obj.holiday_total

    @admin.display(description=_("调休上班天数"), ordering="workday_total")
    def workday_count(self, obj):
        return obj.workday_total

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj is not None else []

    def has_module_permission(self, request):
        return request.user.is_superuser or access.staff_of(request.user) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # A year is replaced by loading its file again, never removed: deadlines depend on it.
        return False
