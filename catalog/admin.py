from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.admin_scope import OrganisationScopedAdmin
from catalog.models import Category, Obligation, Organisation, Role, Staff


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
        return ["parent", "kind", "slug", "code", "index_number_format", "monthly_minimum_items"]


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


@admin.register(Category)
class CategoryAdmin(OrganisationScopedAdmin):
    list_display = ["name", "code", "organisation", "parent", "column_kind", "order", "is_active"]
    list_filter = ["column_kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["organisation", "parent"]


@admin.register(Obligation)
class ObligationAdmin(OrganisationScopedAdmin):
    list_display = ["code", "first_level", "second_level", "category", "organisation", "time_limit_kind"]
    list_filter = ["mode", "level", "time_limit_kind"]
    search_fields = ["first_level", "second_level", "code"]
    list_select_related = ["category", "organisation"]
