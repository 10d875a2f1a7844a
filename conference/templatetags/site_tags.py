"""Template helpers shared by every page."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


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
