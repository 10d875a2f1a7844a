from django.contrib import admin
from django.db import models

from conference.admin.search import FoldedSearchMixin
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


@admin.register(DepartmentMember)
class DepartmentMemberAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["user", "department", "position", "is_liaison"]
    list_filter = ["is_liaison"]
    folded_search_fields = ("user__search_text", "department__search_text")
    search_fields = ["user__email"]
    autocomplete_fields = ["user", "department"]
    list_select_related = ["user", "department"]
