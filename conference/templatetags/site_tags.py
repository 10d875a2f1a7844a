"""Template helpers shared by every page."""

from __future__ import annotations

import functools
import sys

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

from conference import dates

register = template.Library()


@register.filter
def deadline(moment) -> str:
    """``{{ edition.registration_closes_at|deadline }}``: see conference.dates.deadline_text."""
    return dates.deadline_text(moment) if moment else ""


@register.filter
def short_date(value) -> str:
    """``{{ edition.date|short_date }}``: "17/05/2024" (conference.dates)."""
    return dates.short_date(value) if value else ""


@register.filter
def short_datetime(moment) -> str:
    """``{{ registration.created_at|short_datetime }}``: "17/05/2024 08:42", local time."""
    return dates.short_datetime(moment) if moment else ""


@register.filter
def time_of_day(moment) -> str:
    """``{{ registration.checked_in_at|time_of_day }}``: "08:42", local time."""
    return dates.time_of_day(moment) if moment else ""


# --- What base.html shows on every page, computed once per process -----------------------------
# Reversing a URL and asking the static files storage for a file's address are pure for a given
# language, URLconf and script prefix (the storage's manifest is read once, when the process
# starts), and they were a third of base.html's time: each process keeps the answers.


@functools.lru_cache(maxsize=256)
def _reverse(name: str, language: str, urlconf, prefix: str) -> str:
    return reverse(name)


@register.simple_tag
def site_url(name: str) -> str:
    """``{% site_url 'conference:home' %}``: ``{% url %}`` for a page without arguments."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(name, get_language() or settings.LANGUAGE_CODE, urlconf, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _static(path: str, prefix: str) -> str:
    return static(path)


@register.simple_tag
def site_static(path: str) -> str:
    """``{% site_static 'conference/site.css' %}``: ``{% static %}``, kept per process."""
    return _static(path, get_script_prefix())


@receiver(setting_changed)
def _forget_addresses(**_kwargs) -> None:
    """A test that changes the URLconf, the languages or the storages: compute them again."""
    for memo in (_reverse, _static, _addresses):
        memo.cache_clear()
    _menus.clear()


@functools.lru_cache(maxsize=1024)
def _addresses(path: str, current: str, urlconf, prefix: str, codes: tuple[str, ...]):
    """The page ``path`` (without its query) in each language of ``codes``: resolving and
    reversing it is pure for a given URLconf, script prefix and active language, and costs
    more than the rest of the menu, so each process keeps the addresses of the pages it served
    last (bounded)."""
    return tuple(translate_url(path, code) for code in codes)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language: its code, its own name, whether it is the current one, and the
    current page's address in that language (the ``next`` of Django's set_language view)."""
    request = context.get("request")
    full_path = request.get_full_path() if request is not None else "/"
    path, _sep, query = full_path.partition("?")
    active = get_language() or settings.LANGUAGE_CODE
    current = active.split("-")[0]
    codes = tuple(code for code, _name in settings.LANGUAGES)
    key = (path, active, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), codes)
    # An address that long is not worth keeping.
    addresses = _addresses(*key) if len(path) <= 300 else _addresses.__wrapped__(*key)
    suffix = f"?{query}" if query else ""
    if context.get(_MENU_PLACEHOLDERS):  # site_menu: this page's addresses put in afterwards
        return [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "is_current": code == current,
                "next": _MENU_NEXT.format(code),
            }
            for code in codes
        ]
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "is_current": code == current,
            "next": address + suffix,
        }
        for code, address in zip(codes, addresses, strict=True)
    ]


# --- The menu bar (includes/site_menu.html), kept per process ----------------------------------
# Rendering it was three quarters of base.html's time (2 of 2,7 ms a page). What it shows depends
# on the language, the page's name, the user's name and what they may do (``nav_work``), plus
# this page's CSRF token and its address in each language: the HTML is kept per process for the
# former, with placeholders for the latter, which are put in for each page.

_MENU_PLACEHOLDERS = "site_menu_placeholders"
_MENU_CSRF = "__SITE_MENU_CSRF__"
_MENU_NEXT = "__SITE_MENU_NEXT_{}__"
_MENUS_KEPT = 500
_menus: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def site_menu(context) -> str:
    """``{% site_menu %}``: the menu bar of ``includes/site_menu.html``, kept for a signed-in
    user (a visitor's public pages are cached whole: conference.public_cache)."""
    template = context.template.engine.get_template("includes/site_menu.html")
    request = context.get("request")
    user = context.get("user")
    token = context.get("csrf_token")
    nav = context.get("nav_work")
    if (
        request is None
        or user is None
        or not user.is_authenticated
        or nav is None
        or token in (None, "NOTPROVIDED")
    ):
        return template.render(context)
    match = getattr(request, "resolver_match", None)
    key = (
        get_language(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        getattr(match, "url_name", None),
        getattr(match, "namespace", None),
        user.get_full_name() or user.get_username(),
        bool(user.is_staff),
        tuple(nav.items()),
    )
    html = _menus.get(key)
    if html is not None:
        # Announced as if rendered to the test client (the only listener: its module is not
        # loaded in production): a test that lists the templates of a page sees the same list
        # whether the menu was kept or not.
        test_signals = sys.modules.get("django.test.signals")
        if test_signals is not None:
            test_signals.template_rendered.send(sender=template, template=template, context=context)
    else:
        with context.push({"csrf_token": _MENU_CSRF, _MENU_PLACEHOLDERS: True}):
            html = str(template.render(context))
        if len(_menus) >= _MENUS_KEPT:
            _menus.clear()
        _menus[key] = html
    html = html.replace(_MENU_CSRF, escape(str(token)))
    for language in language_links(context):
        html = html.replace(_MENU_NEXT.format(language["code"]), escape(language["next"]))
    return mark_safe(html)


@register.filter
def unit_then(unit) -> str:
    """The unit's name as it was, with what it is part of now: "Hà Giang (now part of …)"."""
    from provinces.display import unit_label_then

    return unit_label_then(unit) if unit is not None else ""


@register.filter
def localized(obj, field: str) -> str:
    """``obj.localized(field)``: the English translation on the English pages when there is one."""
    return obj.localized(field) if obj is not None else ""


@register.simple_tag(takes_context=True)
def same_origin_referer(context, fallback: str = "/") -> str:
    """The page the visitor came from when it is on this site (the Referer header, checked against
    this host and scheme), else ``fallback``: a safe "back" link for error pages."""
    from django.utils.http import url_has_allowed_host_and_scheme

    request = context.get("request")
    if request is None:
        return fallback
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return fallback


@register.filter
def with_kind(unit) -> str:
    """The unit's name with its kind in Vietnamese ("tỉnh Tuyên Quang"); the name in English."""
    from provinces.display import with_kind as name_with_kind

    return name_with_kind(unit) if unit is not None else ""


# --- After a failed submit (WCAG 3.3.1, 2.4.3): the title, the error summary ---------------------


def _error_message_texts(context) -> list[str]:
    from django.contrib.messages import constants

    storage = context.get("messages") or ()
    return [str(message) for message in storage if message.level == constants.ERROR]


def _link_target(bound_field) -> str:
    """The id of the element a summary link focuses: the field, or a group's first choice."""
    from django.forms import CheckboxSelectMultiple, RadioSelect

    if bound_field.is_hidden:
        return ""
    if isinstance(bound_field.field.widget, RadioSelect | CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0" if bound_field.auto_id else ""
    return bound_field.id_for_label or ""


def form_errors(context) -> list[dict]:
    """The errors of every bound form in the page's context, each as ``{"text", "target",
    "label"}`` (``target``: the id of the invalid field, "" for errors of the whole form); an
    error already shown as an error message (the views that turn a form's errors into messages)
    is not repeated."""
    from django.forms import BaseForm
    from django.utils.functional import LazyObject

    # Asked twice per page (the title, the summary): the answer is kept on the page's context.
    known = getattr(context, "_conference_form_errors", None)
    if known is not None:
        return known
    shown = set(_error_message_texts(context))
    forms, seen = [], set()
    for value in context.flatten().values():
        if isinstance(value, LazyObject):  # never a form; asking would compute it (the menu's)
            continue
        if isinstance(value, BaseForm) and value.is_bound and id(value) not in seen:
            seen.add(id(value))
            forms.append(value)
    errors = []
    for form in forms:
        if not form.errors:
            continue
        for text in form.non_field_errors():
            if text not in shown:
                errors.append({"text": text, "target": "", "label": ""})
        for bound_field in form:
            for text in bound_field.errors:
                if text not in shown:
                    # A long label (a consent text) would drown the message: the message alone.
                    label = bound_field.label if len(str(bound_field.label)) <= 80 else ""
                    target = _link_target(bound_field)
                    errors.append({"text": text, "target": target, "label": label})
    context._conference_form_errors = errors
    return errors


@register.simple_tag(takes_context=True)
def page_has_errors(context) -> bool:
    """Whether the page answers a failed submit: a form with errors, or an error message. The
    title then starts with "Lỗi:" / "Error:" (base.html)."""
    return bool(form_errors(context) or _error_message_texts(context))


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    """The list of what went wrong, each error linking to its field; static/conference/site.js
    moves the focus to it when the page loads."""
    return {"errors": form_errors(context)}
