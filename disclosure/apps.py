from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"
    verbose_name = "政务公开信息"

    def ready(self):
        from catalog.calendar import on_calendar_year_loaded
        from disclosure.services.items import items_due_recompute

        on_calendar_year_loaded(items_due_recompute)
