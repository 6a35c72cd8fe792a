from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "applications"
    verbose_name = "依申请公开"

    def ready(self):
        from applications import figures, panels  # noqa: F401 - register the report section, sources, panels

    def load_demo(self, *, stdout):
        from applications.demo import load_applications

        load_applications(stdout=stdout)
