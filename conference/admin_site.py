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

import contextlib
import functools
from urllib.parse import quote as url_quote

from django.apps import apps
from django.contrib.admin import AdminSite, ModelAdmin, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import models
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
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

    def get_changelist_instance(self, request):
        # A filter's value with a NUL (?status__exact=%00) would reach PostgreSQL, which refuses
        # NUL in text (a server error): answered as any bad filter, a redirect to ?e=1. The
        # search (q) is cleaned instead (get_search_results).
        for key, values in request.GET.lists():
            if key != SEARCH_VAR and any("\x00" in text for text in (key, *values)):
                raise IncorrectLookupParameters(f"NUL in {key!r}")
        return super().get_changelist_instance(request)

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

    # Off: Django's own ``_build_app_dict`` on every page (the tests compare the two).
    quick_app_list = True

    def get_app_list(self, request, app_label=None):
        """Django's app list (the side menu on every page, the index), sorted in Vietnamese.

        What the user may do with each model is asked on every request, as Django does; the
        list built from those answers (names, URLs, order) is kept per process for the same
        answers, language and URL prefix, so a page asks ``reverse`` nothing for its menu."""
        if not self.quick_app_list:
            apps_ = list(self._build_app_dict(request, app_label).values())
            _sort_apps(apps_)
            return apps_
        models_ = [
            (model, model_admin)
            for model, model_admin in self._registry.items()
            if app_label is None or model._meta.app_label == app_label
        ]
        answers = []
        for _model, model_admin in models_:
            if not model_admin.has_module_permission(request):
                answers.append(None)
                continue
            perms = model_admin.get_model_perms(request)
            answers.append(tuple(perms.items()) if True in perms.values() else None)
        key = (
            app_label,
            get_language(),
            get_script_prefix(),
            get_urlconf(),
            tuple(zip((model for model, _admin in models_), answers, strict=True)),
        )
        built = _APP_LISTS.get(key)
        if built is None:
            if len(_APP_LISTS) >= _APP_LISTS_MAX:
                _APP_LISTS.clear()
            built = _APP_LISTS[key] = self._app_list_for(key[-1])
        # Each caller gets its own dicts (the cached ones stay as built).
        return AppList(
            ({**app, "models": [dict(model) for model in app["models"]]} for app in built), key
        )

    def _app_list_for(self, answers) -> list[dict]:
        """What ``_build_app_dict`` builds, for each model's (model, permissions or None)."""
        app_dict: dict[str, dict] = {}
        for model, perms in answers:
            if perms is None:
                continue
            perms = dict(perms)
            app_label = model._meta.app_label
            info = (app_label, model._meta.model_name)
            model_dict = {
                "model": model,
                "name": capfirst(model._meta.verbose_name_plural),
                "object_name": model._meta.object_name,
                "perms": perms,
                "admin_url": None,
                "add_url": None,
            }
            if perms.get("change") or perms.get("view"):
                model_dict["view_only"] = not perms.get("change")
                with contextlib.suppress(NoReverseMatch):
                    model_dict["admin_url"] = reverse(
                        "admin:{}_{}_changelist".format(*info), current_app=self.name
                    )
            if perms.get("add"):
                with contextlib.suppress(NoReverseMatch):
                    model_dict["add_url"] = reverse(
                        "admin:{}_{}_add".format(*info), current_app=self.name
                    )
            if app_label in app_dict:
                app_dict[app_label]["models"].append(model_dict)
            else:
                app_dict[app_label] = {
                    "name": apps.get_app_config(app_label).verbose_name,
                    "app_label": app_label,
                    "app_url": reverse(
                        "admin:app_list", kwargs={"app_label": app_label}, current_app=self.name
                    ),
                    "has_module_perms": True,
                    "models": [model_dict],
                }
        built = list(app_dict.values())
        _sort_apps(built)
        return built


class AppList(list):
    """An app list that knows what it was built from (``key``): the side menu written from it
    is the same for the same key, language and current page."""

    def __init__(self, items, key):
        super().__init__(items)
        self.key = key


def nav_sidebar(context) -> str:
    """Django's ``admin/nav_sidebar.html`` for this page, written once per app list (what the
    user may see), language and current model, then kept per process."""
    template = context.template.engine.get_template("admin/nav_sidebar.html")
    app_list = context.get("available_apps")
    request = context.get("request")
    if not isinstance(app_list, AppList) or request is None:
        return template.render(context)
    # What app_list.html marks as current: the app and model whose URL is in the page's path.
    path = url_quote(request.path)
    current = tuple(
        (app["app_url"] in path, tuple(bool(m["admin_url"]) and m["admin_url"] in path
                                       for m in app["models"]))
        for app in app_list
    )  # fmt: skip
    key = (app_list.key, current)
    html = _SIDEBARS.get(key)
    if html is None:
        if len(_SIDEBARS) >= _APP_LISTS_MAX:
            _SIDEBARS.clear()
        html = _SIDEBARS[key] = template.render(context)
    return html


# The app lists built by ConferenceAdminSite.get_app_list, by what they were built from: a few
# per set of permissions and language; cleared whole if ever that many.
_APP_LISTS: dict = {}
_APP_LISTS_MAX = 256
# The side menus written by nav_sidebar, by app list and current page.
_SIDEBARS: dict = {}


def _sort_apps(app_list: list[dict]) -> None:
    app_list.sort(key=lambda app: _name_key(str(app["name"])))
    for app in app_list:
        app["models"].sort(key=lambda model: _name_key(str(model["name"])))


@functools.lru_cache(maxsize=512)
def _name_key(name: str) -> str:
    """``sort_key`` of an app's or a model's name, kept: every admin page lists them all in its
    side menu, and the names are few (one set per language)."""
    return sort_key(name)
