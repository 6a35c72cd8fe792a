from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _ensure_shipped_calendars(sender, apps=global_apps, **kwargs):
    """Put back shipped holiday years missing from the database.

    The data migration loads them once; this covers databases emptied by `flush`
    (which every transactional test does) and years shipped after the migration ran,
    the way Django's contenttypes and permissions restore themselves. Years present
    are never touched.
    """
    from catalog.calendar_loading import shipped_years_ensure

    try:
        year_model = apps.get_model("catalog", "HolidayCalendarYear")
        day_model = apps.get_model("catalog", "CalendarDay")
    except LookupError:  # migrated back before the calendar existed
        return
    shipped_years_ensure(year_model=year_model, day_model=day_model)


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = "公开目录与机构"

    def ready(self):
        post_migrate.connect(_ensure_shipped_calendars, sender=self, dispatch_uid="catalog_shipped_calendars")
        from catalog.calendar import calendar_year_panels
        from township_portal.lib.panels import register_panels

        register_panels("staff_home", calendar_year_panels)
        register_panels("county_board", calendar_year_panels)
