"""Helpers for the lists of registrations: what each row shows, in Python rather than in an
included template per row and column (an ``{% include %}`` per row costs more than the row)."""

from __future__ import annotations

import hashlib

from django import template
from django.utils.html import format_html, format_html_join

from conference.models import Registration

register = template.Library()

_BADGE_CLASS = {
    Registration.Status.CONFIRMED: "text-bg-success",
    Registration.Status.CHECKED_IN: "text-bg-success",
    Registration.Status.PENDING: "text-bg-primary",
    Registration.Status.WAITLISTED: "text-bg-warning",
}
_STATUS_LABEL = dict(Registration.Status.choices)
_KIND_LABEL = dict(Registration.OrganisationKind.choices)


@register.filter
def status_badge(registration: Registration) -> str:
    """The registration's state as a coloured badge (``data-status`` names the state)."""
    status = registration.status
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        _BADGE_CLASS.get(status, "text-bg-secondary"),
        status,
        _STATUS_LABEL.get(status, status),
    )


@register.filter
def organisation_kind_label(registration: Registration) -> str:
    """``get_organisation_kind_display`` without building the choices' dict on every call."""
    kind = registration.organisation_kind
    return _KIND_LABEL.get(kind, kind)


@register.simple_tag(takes_context=True)
def crispy_cached(context, form, *key) -> str:
    """``{% crispy form %}``, but an unbound form's HTML (the same for every visitor: its helper
    renders no CSRF token, ``helper.disable_csrf``; the page's ``<form>`` has it) is kept in the
    cache per form class, ``key`` (e.g. the edition), language, public-pages version and the
    form's ``cache_variant`` (what else its HTML depends on, e.g. the seats words), so it moves
    with every change to editions, their programme parts and participants, and with the seats.
    Rendering it through crispy's templates was two thirds of the registration form's time.

    The key stays short whatever the variant (a digest of it), as memcached and the cache's key
    check want: under 250 characters."""
    from crispy_forms.utils import render_crispy_form
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from conference import public_cache

    version = public_cache.version()
    if form.is_bound or not version:
        return render_crispy_form(form, context=context.flatten())
    variant = getattr(form, "cache_variant", "")
    cache_key = ":".join(
        [
            "crispy",
            str(version),
            get_language(),
            type(form).__name__,
            *map(str, key),
            hashlib.blake2b(variant.encode(), digest_size=12).hexdigest(),
        ]
    )
    html = public_cache.cache_get(cache_key)
    if html is None:
        html = render_crispy_form(form, context=context.flatten())
        # Never keep a visitor's token (a helper without ``disable_csrf``): rendered each time.
        if "csrfmiddlewaretoken" not in html:
            public_cache.cache_set(cache_key, str(html))
    return mark_safe(html)


@register.filter
def select_options(field) -> str:
    """A filter select's ``<option>`` tags, the chosen one marked, written in Python: the
    template loop compared every option with ``field.value`` (read again for each of the ~60
    provinces) and localized each value (a pk of 1234 became "1.234")."""
    value = field.value()
    chosen = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, " selected" if str(key) == chosen else "", label)
            for key, label in field.field.widget.choices
        ),
    )
