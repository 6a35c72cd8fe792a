from django.apps import AppConfig


class AnnualConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annual"
    verbose_name = "政府信息公开工作年度报告"

    def ready(self):
        from annual.panels import county_board_panels
        from township_portal.lib.panels import register_panels

        register_panels("county_board", county_board_panels)

    def load_demo(self, *, stdout):
        from annual.demo import load_reports

        load_reports(stdout=stdout)
