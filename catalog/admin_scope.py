"""Admin base classes that confine every user to their own organisations' rows.

A model admin names the lookup path from its model to the owning organisation
(`organisation_field`); lists, change pages, related-field choices and
autocomplete results are all filtered through `catalog.access`.
"""

from operator import attrgetter

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog import access
from catalog.models import Organisation, Role


class OrganisationScopedAdmin(admin.ModelAdmin):
    organisation_field = "organisation"
    # Roles allowed to add and change rows; the county office role is never a writer.
    write_roles: frozenset[str] = frozenset({Role.AUTHOR, Role.REVIEWER, Role.APPROVER, Role.ORG_ADMIN})

    def organisation_id_of(self, obj) -> int | None:
        if self.organisation_field == "pk":
            return obj.pk
        path = self.organisation_field.replace("__", ".")
        try:
            organisation = attrgetter(path)(obj)
        except AttributeError:
            return None
        return organisation.pk if organisation is not None else None

    def _is_writer(self, request) -> bool:
        staff = access.staff_of(request.user)
        return staff is not None and bool(staff.roles & self.write_roles)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.organisation_field}__in": access.visible_organisations(request.user)})

    def has_module_permission(self, request):
        return request.user.is_superuser or access.staff_of(request.user) is not None

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if access.staff_of(request.user) is None:
            return False
        return obj is None or access.can_view(request.user, self.organisation_id_of(obj))

    def has_add_permission(self, request):
        return request.user.is_superuser or self._is_writer(request)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if not self._is_writer(request):
            return False
        return obj is None or access.can_edit(request.user, self.organisation_id_of(obj))

    def has_delete_permission(self, request, obj=None):
        # Nothing is lost: rows are deactivated, withdrawn or superseded, never deleted here.
        return False

    def get_changelist_formset(self, request, **kwargs):
        """Rows edited in the list (list_editable) are checked one by one, as the change page checks its row.

        Django only asks whether the user may change rows of this model at all, and the list shows
        every visible row: county staff who write the county's rows would otherwise reorder a township's.
        """
        formset = super().get_changelist_formset(request, **kwargs)
        model_admin = self

        class ScopedChangeListFormSet(formset):
            def clean(self):
                super().clean()
                for form in self.forms:
                    if form.has_changed() and not model_admin.has_change_permission(request, form.instance):
                        form.add_error(
                            None, _("无权修改“%(row)s”：它不属于您可以修改的机构。") % {"row": form.instance}
                        )

        return ScopedChangeListFormSet

    def _scope_related(self, request, model, queryset):
        if request.user.is_superuser:
            return queryset
        editable = access.editable_organisations(request.user)
        if model is Organisation:
            return queryset.filter(pk__in=editable)
        if any(f.name == "organisation" for f in model._meta.get_fields()):
            return queryset.filter(organisation__in=editable)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self._scope_related(request, db_field.related_model, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = self._scope_related(request, db_field.related_model, formfield.queryset)
        return formfield


class OrganisationScopedInline(admin.TabularInline):
    """An inline whose rows belong to the parent object's organisation."""

    extra = 0

    def _parent_admin(self, request):
        return self.admin_site._registry.get(self.parent_model)

    def has_view_permission(self, request, obj=None):
        parent = self._parent_admin(request)
        return parent.has_view_permission(request, obj) if parent else request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        parent = self._parent_admin(request)
        return parent.has_change_permission(request, obj) if parent else request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        parent = self._parent_admin(request)
        return parent.has_change_permission(request, obj) if parent else request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        parent = self._parent_admin(request)
        if parent and formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = parent._scope_related(request, db_field.related_model, formfield.queryset)
        return formfield
