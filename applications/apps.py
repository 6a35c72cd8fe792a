from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "applications"
    verbose_name = "依申请公开"

    def ready(self):
        from applications import figures, panels  # noqa: F401 - register the report section, sources, panels
        from applications.services.common import recompute_provisional_clocks
        from catalog.calendar import on_calendar_year_loaded

        on_calendar_year_loaded(recompute_provisional_clocks)

    def load_demo(self, *, stdout):
        from applications.demo import load_applications

        load_applications(stdout=stdout)
