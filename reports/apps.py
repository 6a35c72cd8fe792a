from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "政务公开月报"

    def load_demo(self, *, stdout):
        from reports.demo import load_reports

        load_reports(stdout=stdout)
