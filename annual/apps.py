from django.apps import AppConfig


class AnnualConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annual"
    verbose_name = "政府信息公开工作年度报告"

    def ready(self):
        from annual.fixed_text import annual_fixed_text
        from annual.panels import county_board_panels
        from disclosure.fixed_text import register_fixed_text
        from township_portal.lib.panels import register_panels

        register_panels("county_board", county_board_panels)
        register_fixed_text("annual", annual_fixed_text)

    def load_demo(self, *, stdout):
        from annual.demo import load_reports

        load_reports(stdout=stdout)
