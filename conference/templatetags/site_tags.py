"""Template helpers shared by every page."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
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


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language: its code, its own name, whether it is the current one, and the
    current page's address in that language (the ``next`` of Django's set_language view)."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "is_current": code == current,
                "next": translate_url(path, code),
            }
        )
    return links


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
