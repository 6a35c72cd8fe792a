"""Monthly reports in the admin: a read-only list that leads to the report pages.

Reports are written and decided on their own pages (/reports/), through the
services; the admin never changes or deletes a report, a version or a file.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from catalog.access import staff_of
from catalog.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline
from reports.models import MonthlyReport, ReportVersion


class ReportVersionInline(OrganisationScopedInline):
    model = ReportVersion
    fields = ["number", "submitted_at", "submitted_by", "deadline", "is_late"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "organisation", "month", "status", "updated_at", "open_link"]
    list_filter = ["status", "month"]
    list_select_related = ["organisation"]
    date_hierarchy = "month"
    fields = ["organisation", "month", "status", "work_done", "problems", "improvements", "open_link"]
    readonly_fields = fields
    inlines = [ReportVersionInline]

    @admin.display(description="月报页面")
    def open_link(self, obj):
        url = reverse("reports:report", kwargs={"slug": obj.organisation.slug, "month": obj.period})
        return format_html('<a href="{}">打开</a>', url)

    def get_queryset(self, request):
        # Narrower than the organisation tree: county staff other than the county office
        # (a county author maintaining the template catalog) do not read townships' reports.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        staff = staff_of(request.user)
        if staff is not None and staff.is_county_office:
            return queryset
        return queryset.filter(organisation_id=staff.organisation_id if staff else None)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
