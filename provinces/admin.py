from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conference.admin.search import FoldedSearchMixin
from conference.text_input import CleanInputMixin
from provinces.models import Department, DepartmentMember, ProvincialUnit, Reorganisation
from provinces.services import reorganisation_apply, reorganisation_plan_from_file


@admin.register(ProvincialUnit)
class ProvincialUnitAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = [
        "name", "code", "kind", "region", "valid_from", "valid_until", "successor", "ended_by"
    ]  # fmt: skip
    list_filter = ["region", "kind", "valid_until", "ended_by"]
    search_fields = ["code"]
    folded_search_fields = ("search_text",)
    autocomplete_fields = ["successor"]
    list_select_related = ["successor", "ended_by"]


class ReorganisationFileForm(CleanInputMixin, forms.Form):
    file = forms.FileField(label=_("Reorganisation file (JSON)"))
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        initial=True,
        help_text=_("List what would change, and change nothing."),
    )


@admin.register(Reorganisation)
class ReorganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "resolution", "decided_on", "governments_from"]
    search_fields = ["name", "resolution"]

    def get_urls(self):
        return [
            path(
                "apply/",
                self.admin_site.admin_view(self.apply_view),
                name="provinces_reorganisation_apply",
            ),
            *super().get_urls(),
        ]

    def _may_apply(self, request) -> bool:
        return self.has_add_permission(request) and request.user.has_perm(
            "provinces.change_provincialunit"
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_apply": self._may_apply(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def apply_view(self, request):
        """Upload a reorganisation file; the dry run lists the changes, applying makes them
        (the same service as ``manage.py apply_reorganisation``)."""
        if not self._may_apply(request):
            raise PermissionDenied
        form = ReorganisationFileForm(request.POST or None, request.FILES or None)
        changes = None
        if request.method == "POST" and form.is_valid():
            try:
                plan = reorganisation_plan_from_file(form.cleaned_data["file"].read())
                changes = reorganisation_apply(
                    plan=plan, dry_run=form.cleaned_data["dry_run"], actor=request.user
                )
            except ValidationError as error:
                form.add_error("file", error)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Apply a reorganisation from a file"),
            "form": form,
            "changes": changes,
            "dry_run": form.is_bound and form.cleaned_data.get("dry_run"),
        }
        return TemplateResponse(request, "admin/provinces/reorganisation/apply.html", context)


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
