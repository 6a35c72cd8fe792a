from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _catalog_changed(sender, **kwargs):
    from township_portal.lib import page_versions

    page_versions.replace({page_versions.CATALOG})


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"

    def ready(self):
        # Names, slugs, contact details and columns appear in every public page's frame, and
        # the admin, the services and the loaders all save them through the ORM. A signal is
        # used for the cache only (no business logic): a new catalog token makes every cached
        # page be built again, which is cheap for something that changes a few times a year.
        from catalog.models import Category, Organisation

        for model in (Organisation, Category):
            post_save.connect(_catalog_changed, sender=model, dispatch_uid=f"portal-pages-{model.__name__}-save")
            post_delete.connect(_catalog_changed, sender=model, dispatch_uid=f"portal-pages-{model.__name__}-delete")
