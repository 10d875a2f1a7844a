from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from conference.admin.search import FoldedSearchMixin
from conference.text_input import CleanInputMixin
from provinces.models import Department, DepartmentMember, ProvincialUnit


@admin.register(ProvincialUnit)
class ProvincialUnitAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region", "valid_from", "valid_until", "successor"]
    list_filter = ["region", "kind", "valid_until"]
    search_fields = ["code"]
    folded_search_fields = ("search_text",)
    autocomplete_fields = ["successor"]
    list_select_related = ["successor"]


@admin.register(Department)
class DepartmentAdmin(FoldedSearchMixin, admin.ModelAdmin):
    # A website typed without a scheme is https (Django 6's default; no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "unit", "email", "phone"]
    search_fields = ["email"]
    folded_search_fields = ("search_text",)
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


class DepartmentMemberForm(CleanInputMixin, forms.ModelForm):
    """Nobody but a superuser makes themselves a member (and so a liaison) of a department:
    staff who may edit memberships could otherwise give themselves a province's delegation."""

    editor = None  # set per request by DepartmentMemberAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        editor = self.editor
        if (
            editor is not None
            and not editor.is_superuser
            and cleaned.get("user") is not None
            and cleaned["user"].pk == editor.pk
        ):
            self.add_error(
                "user",
                _("You cannot make yourself a member of a department; ask a superuser."),
            )
        return cleaned


@admin.register(DepartmentMember)
class DepartmentMemberAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["user", "department", "position", "is_liaison"]
    list_filter = ["is_liaison"]
    folded_search_fields = ("user__search_text", "department__search_text")
    search_fields = ["user__email"]
    autocomplete_fields = ["user", "department"]
    list_select_related = ["user", "department"]
    form = DepartmentMemberForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})
