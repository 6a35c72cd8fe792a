"""The project's admin site: Django's, with every changelist hardened against bad filter values.

``INSTALLED_APPS`` names ``township_portal.lib.admin_site.PortalAdminConfig`` instead of
``django.contrib.admin``, so ``admin.site`` (and ``@admin.register``) is a ``PortalAdminSite``
for every app, new ones included. A list filter's own code (a ``SimpleListFilter`` doing
``filter(organisation_id=value)``) raising on a value such as ``abc`` no longer answers 500:
the changelist treats it as Django treats any bad lookup, showing the list with "(出现错误)".
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.shortcuts import render

from township_portal.lib.ratelimit import allow, client_address

BAD_VALUE_ERRORS = (ValueError, TypeError, OverflowError, ValidationError)


class HardenedChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except IncorrectLookupParameters:
            raise
        except BAD_VALUE_ERRORS as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            return super().get_results(request)
        except BAD_VALUE_ERRORS as error:
            raise IncorrectLookupParameters(error) from error


class SafeAutocompleteMixin:
    """Django's autocomplete widget looks up the submitted value to redisplay it; `abc` for an id raised there."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        usable = []
        for choice in value:
            try:
                target.to_python(choice)
            except ValidationError:
                continue
            usable.append(choice)
        return super().optgroups(name, usable, attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


SAFE_WIDGETS = {AutocompleteSelect: SafeAutocompleteSelect, AutocompleteSelectMultiple: SafeAutocompleteSelectMultiple}


class PortalAdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        """Django's login, with at most LOGIN_RATE_LIMIT posts a minute from one address (lockout: django-axes)."""
        if request.method == "POST" and not allow(
            key=f"login:ip:{client_address(request)}", limit=settings.LOGIN_RATE_LIMIT, window=60
        ):
            response = render(
                request,
                "refused.html",
                {"status": 429, "message": "登录尝试太频繁，请一分钟后再试。"},
                status=429,
            )
            response["Retry-After"] = "60"
            return response
        return super().login(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, HardenedAdminMixin):
            admin_class = type(
                admin_class.__name__, (HardenedAdminMixin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)


class HardenedAdminMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(getattr(formfield, "widget", None), "widget", None)  # inside the related-field wrapper
        safe = SAFE_WIDGETS.get(type(widget))
        if safe is not None:
            widget.__class__ = safe
        return formfield

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, HardenedChangeList):
            return changelist
        return type("Hardened" + changelist.__name__, (HardenedChangeList, changelist), {})


class PortalAdminConfig(AdminConfig):
    default_site = "township_portal.lib.admin_site.PortalAdminSite"
