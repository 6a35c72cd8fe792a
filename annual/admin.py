"""Annual reports in the admin: a read-only list that leads to the report pages (written through the services)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from annual.models import AnnualReport
from catalog.access import staff_of
from catalog.admin_scope import OrganisationScopedAdmin


@admin.register(AnnualReport)
class AnnualReportAdmin(OrganisationScopedAdmin):
    list_display = ["__str__", "organisation", "year", "status", "checks_ok", "updated_at", "open_link"]
    list_filter = ["status", "year"]
    list_select_related = ["organisation"]
    fields = ["organisation", "year", "status", "checks_ok", "open_link"]
    readonly_fields = fields

    @admin.display(description="年度报告页面")
    def open_link(self, obj):
        return format_html('<a href="{}">打开</a>', reverse("annual:report", args=[obj.organisation.slug, obj.year]))

    def get_queryset(self, request):
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

    def has_delete_permission(self, request, obj=None):
        return False
