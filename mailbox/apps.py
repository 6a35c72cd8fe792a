from django.apps import AppConfig


class MailboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mailbox"
    verbose_name = "咨询投诉建议信箱"

    def ready(self):
        from mailbox import panels, report, search
        from reports.figures import SECTIONS, register_section
        from township_portal.lib.panels import register_panels
        from township_portal.lib.search_groups import register_search_group

        register_panels("staff_home", panels.staff_home_panels)
        register_panels("county_board", panels.county_board_panels)
        if all(section.key != report.KEY for section in SECTIONS):
            register_section(report.SECTION)
        register_search_group(search.search_results)

    def load_demo(self, *, stdout):
        from mailbox.demo import load_messages

        load_messages(stdout=stdout)
