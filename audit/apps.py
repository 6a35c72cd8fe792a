from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _append_only_ensure(sender, using="default", **kwargs):
    from audit.append_only import ensure

    ensure(connections[using])


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "操作记录"

    def ready(self):
        # After every migrate (and flush): SQLite loses a table's triggers when a migration rebuilds it.
        post_migrate.connect(_append_only_ensure, sender=self, dispatch_uid="audit_append_only_ensure")
