"""Helpers for the lists of registrations: what each row shows, in Python rather than in an
included template per row and column (an ``{% include %}`` per row costs more than the row)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

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
