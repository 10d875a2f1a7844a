"""The admin site: Django's, with apps and models listed in Vietnamese alphabetical order.

Django sorts the index by code point, which puts "Đăng ký" after "Tỉnh, thành phố"; here both the
apps and the models inside each app are ordered with ``conference.vietnamese.sort_key`` (in English
the same key gives plain alphabetical order). Installed through ``ConferenceAdminConfig`` in
``conference/apps.py``, so ``django.contrib.admin.site`` is an instance of this class.

Every ModelAdmin registered here (ours, Django's, django-axes') gets ``SiteWideRules``:

- its list's query string accepts only the filters it declares: Django's default also accepts any
  lookup on a model's own columns (``?body_text__regex=…``, ``?password__startswith=…``), which
  lets whoever may view a list guess a stored secret character by character;
- its forms and inlines clean text as every form of the site does
  (``conference.text_input.CleanInputMixin``: NFC, no control characters, email normalised,
  a maximum length).

This module sits outside the ``conference.admin`` package on purpose: importing a module of that
package runs its ``__init__``, whose ModelAdmins register on ``admin.site`` while the lazy default
site is still being built, and Django would then build a second, empty site.
"""

from __future__ import annotations

import functools

from django.contrib.admin import AdminSite, ModelAdmin, SimpleListFilter
from django.db import models
from django.utils.translation import gettext_lazy as _

from conference.vietnamese import sort_key

# What Django's field filters put in the query string after the field's path.
_FILTER_SUFFIXES = ("exact", "isnull", "id__exact", "pk__exact", "in", "gte", "lt")
_DATE_PARTS = ("year", "month", "day")


def with_clean_input(form_class):
    """``form_class`` with ``CleanInputMixin`` first in its bases (unchanged if it has it)."""
    from conference.text_input import CleanInputMixin

    if issubclass(form_class, CleanInputMixin):
        return form_class
    return type(form_class.__name__, (CleanInputMixin, form_class), {})


class SiteWideRules:
    """Added to every ModelAdmin of the site by ``ConferenceAdminSite.register``."""

    def get_form(self, request, obj=None, **kwargs):
        return with_clean_input(super().get_form(request, obj, **kwargs))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # Django 6's default, without a warning
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_changelist_form(self, request, **kwargs):
        return with_clean_input(super().get_changelist_form(request, **kwargs))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.form = with_clean_input(inline.form)
        return inlines

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL refuses NUL in text, and no stored text holds a control character.
        from conference.text_input import clean_text

        return super().get_search_results(request, queryset, clean_text(search_term))

    def lookup_allowed(self, lookup, value, request=None):
        declared = set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                declared.add(item.parameter_name)
                continue
            path = item[0] if isinstance(item, (list, tuple)) else item
            if isinstance(path, str):
                declared.update(f"{path}__{suffix}" for suffix in _FILTER_SUFFIXES)
        if self.date_hierarchy:
            declared.update(f"{self.date_hierarchy}__{part}" for part in _DATE_PARTS)
        return lookup in declared and super().lookup_allowed(lookup, value, request)


class ConferenceAdminSite(AdminSite):
    site_header = _("Northern Industry and Trade Conference — administration")
    site_title = _("Conference administration")
    index_title = _("Site administration")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, SiteWideRules):
            admin_class = type(admin_class.__name__, (SiteWideRules, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        apps = list(self._build_app_dict(request, app_label).values())
        apps.sort(key=lambda app: _name_key(str(app["name"])))
        for app in apps:
            app["models"].sort(key=lambda model: _name_key(str(model["name"])))
        return apps


@functools.lru_cache(maxsize=512)
def _name_key(name: str) -> str:
    """``sort_key`` of an app's or a model's name, kept: every admin page lists them all in its
    side menu, and the names are few (one set per language)."""
    return sort_key(name)
