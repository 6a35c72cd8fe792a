from django.contrib import admin

from audit.models import AuditEvent
from catalog.admin_scope import OrganisationScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(OrganisationScopedAdmin):
    list_display = ["at", "actor", "organisation", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "object_id", "note"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
