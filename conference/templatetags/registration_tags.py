"""Helpers for the lists of registrations: what each row shows, in Python rather than in an
included template per row and column (an ``{% include %}`` per row costs more than the row)."""

from __future__ import annotations

import hashlib
from html import escape as _html_escape

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from conference.dates import written_datetime
from conference.models import Registration
from conference.models.registrations import display_phone

register = template.Library()


def _escape(value) -> str:
    """What ``django.utils.html.escape`` gives, without its lazy-string wrapper (rows call
    this a few thousand times a page)."""
    return _html_escape(str(value))


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
    return mark_safe(_status_badge_html(registration.status))


def _status_badge_html(status: str) -> str:
    return (
        f'<span class="badge {_BADGE_CLASS.get(status, "text-bg-secondary")}" '
        f'data-status="{_escape(status)}">{_escape(_STATUS_LABEL.get(status, status))}</span>'
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
    provinces) and localized each value (a pk of 1234 became "1.234"). Escaped as
    ``format_html`` would (what is safe already is kept), without its per-option cost."""
    value = field.value()
    chosen = "" if value is None else str(value)
    out = []
    for key, label in field.field.widget.choices:
        key = str(key)
        selected = " selected" if key == chosen else ""
        out.append(f'<option value="{_escape(key)}"{selected}>{_html(label)}</option>')
    return mark_safe("".join(out))


def _html(value) -> str:
    """``conditional_escape``: HTML that is safe already is kept, the rest escaped."""
    return value.__html__() if hasattr(value, "__html__") else _escape(value)


# ---------------------------------------------------------------------------------------------
# The rows of the lists of registrations (the organizers' list, a delegation), in Python: one
# function writes every row (about 5 µs a row), where a template loop took ~2 ms a row in
# variable lookups, escaping and number localization (a pk of 2675 even became "2.675" in the
# checkboxes' values). Every value is escaped; the labels are translated once per list.
# ---------------------------------------------------------------------------------------------


def _row_labels() -> dict[str, str]:
    """The words of a row, translated once per list (escaped: they go into HTML as they are)."""
    words = {
        "accommodation": gettext("Accommodation"),
        "diet": gettext("Diet"),
        "no_email": gettext("no email address"),
        "confirm": pgettext("registration action", "Confirm"),
        "decline_open": gettext("Decline…"),
        "decline_reason": gettext("Reason, sent to the delegate (optional)"),
        "decline": gettext("Decline this registration"),
        "details": gettext("Details"),
        **_reverse_labels(),
    }
    return {key: _escape(value) for key, value in words.items()}


def _reverse_labels() -> dict[str, str]:
    return {
        "reverse_open": gettext("Reverse the decision…"),
        "move_to": gettext("Move the registration to"),
        "to_pending": gettext("Awaiting confirmation"),
        "to_declined": gettext("Declined"),
        "reverse_reason": gettext("Reason, sent to the delegate (required)"),
        "reverse": gettext("Reverse the decision"),
    }


class _UrlOf:
    """``reverse(name, kwargs={key: value, **fixed})`` for many values at the cost of one
    ``reverse``."""

    MARK = 987654321

    def __init__(self, name: str, key: str = "pk", **fixed):
        url = reverse(name, kwargs={key: self.MARK, **fixed})
        self.before, _mark, self.after = url.rpartition(str(self.MARK))

    def __call__(self, value: int) -> str:
        return f"{self.before}{value}{self.after}"


def _reverse_form(pk: int, status: str, *, csrf: str, here: str, action: str, words) -> str:
    """The organizer's "Reverse the decision…" of one confirmed or declined registration: back
    to awaiting confirmation (or, from confirmed, to declined), with a reason for the delegate.
    ``csrf``, ``here`` (the page to come back to) and ``action`` are escaped already."""
    if status == Registration.Status.CONFIRMED:
        choices = (
            f'<div class="form-check"><input class="form-check-input" type="radio" name="to" '
            f'value="pending" id="to-pending-{pk}" required><label class="form-check-label small" '
            f'for="to-pending-{pk}">{words["to_pending"]}</label></div>\n'
            f'      <div class="form-check"><input class="form-check-input" type="radio" name="to" '
            f'value="declined" id="to-declined-{pk}" required><label class="form-check-label '
            f'small" for="to-declined-{pk}">{words["to_declined"]}</label></div>'
        )
    else:
        choices = (
            f'<div class="form-check"><input class="form-check-input" type="radio" name="to" '
            f'value="pending" id="to-pending-{pk}" checked><label class="form-check-label small" '
            f'for="to-pending-{pk}">{words["to_pending"]}</label></div>'
        )
    return (
        f'<details class="reverse-row text-start">\n'
        f'  <summary class="btn btn-sm btn-outline-secondary">{words["reverse_open"]}</summary>\n'
        f'  <form method="post" action="{action}" class="mt-1 d-flex flex-column gap-1">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">\n'
        f'    <input type="hidden" name="next" value="{here}">\n'
        f"    <fieldset>\n"
        f'      <legend class="small mb-1">{words["move_to"]}</legend>\n'
        f"      {choices}\n"
        f"    </fieldset>\n"
        f'    <label class="small" for="reverse-reason-{pk}">{words["reverse_reason"]}</label>\n'
        f'    <input class="form-control form-control-sm" name="reason" id="reverse-reason-{pk}" '
        f'maxlength="500" required>\n'
        f'    <button class="btn btn-sm btn-outline-danger" name="action" value="reverse">'
        f"{words['reverse']}</button>\n"
        f"  </form>\n"
        f"</details>"
    )


def _decide_forms(pk: int, *, csrf: str, words) -> str:
    """Confirm or decline one pending registration. Two forms: the confirm form has no text box,
    and Enter in the reason box can only decline this one row."""
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
    return (
        f'<div class="d-inline-flex flex-column flex-md-row gap-1">\n'
        f'        <form method="post" class="d-inline">{token}\n'
        f'          <input type="hidden" name="registrations" value="{pk}">\n'
        f'          <button class="btn btn-sm btn-success" name="action" value="confirm">'
        f"{words['confirm']}</button>\n"
        f"        </form>\n"
        f'        <details class="decline-row text-start">\n'
        f'          <summary class="btn btn-sm btn-outline-danger">{words["decline_open"]}'
        f"</summary>\n"
        f'          <form method="post" class="mt-1 d-flex flex-column gap-1">{token}\n'
        f'            <input type="hidden" name="registrations" value="{pk}">\n'
        f'            <label class="small" for="reason-{pk}">{words["decline_reason"]}</label>\n'
        f'            <input class="form-control form-control-sm" name="reason" id="reason-{pk}" '
        f'maxlength="500">\n'
        f'            <button class="btn btn-sm btn-danger" name="action" value="decline">'
        f"{words['decline']}</button>\n"
        f"          </form>\n"
        f"        </details>\n"
        f"        </div>"
    )


@register.simple_tag(takes_context=True)
def reverse_decision_form(context, registration: Registration) -> str:
    """``{% reverse_decision_form registration %}``: the form of the registration's detail page;
    the lists write the same form for each confirmed or declined row."""
    request = context["request"]
    return mark_safe(
        _reverse_form(
            registration.pk,
            registration.status,
            csrf=_escape(get_token(request)),
            here=_escape(request.get_full_path()),
            action=_escape(_UrlOf("conference:registration_reverse")(registration.pk)),
            words={key: _escape(value) for key, value in _reverse_labels().items()},
        )
    )


@register.simple_tag(takes_context=True)
def registration_rows(context, rows, *, show_unit: bool = False, can_reverse: bool = False):
    """The ``<tr>`` of each registration of ``rows`` (``RegistrationQuerySet.for_rows()``: named
    tuples of the columns a row shows, the unit's name as ``unit__name``); pending rows get their
    confirm and decline forms, confirmed and declined ones the reverse form when
    ``can_reverse``."""
    request = context["request"]
    words = _row_labels()
    csrf = _escape(get_token(request))
    here = _escape(request.get_full_path())
    detail_url = _UrlOf("conference:registration_detail")
    reverse_url = _UrlOf("conference:registration_reverse")
    Status = Registration.Status
    reversible = (Status.CONFIRMED, Status.DECLINED) if can_reverse else ()
    # Per list, not per row: each state's badge, each kind's label, the time zone.
    badges = {}
    kinds = {}
    zone = timezone.get_current_timezone()
    out = []
    for registration in rows:
        pk = registration.id
        status = registration.status
        badge = badges.get(status)
        if badge is None:
            badge = badges[status] = _status_badge_html(status)
        name = _escape(registration.full_name)
        email = registration.email
        if email:
            email = _escape(email)
            email_html = f'<a href="mailto:{email}">{email}</a>'
        else:
            email_html = f'<span class="text-body-secondary">{words["no_email"]}</span>'
        phone = _escape(display_phone(registration.phone))
        notes = ""
        if show_unit:
            unit_name = _escape(registration.unit__name) if registration.unit__name else "—"
            notes += f'\n        <span class="small d-lg-none"><br>{unit_name}</span>'
        if registration.accommodation_needs:
            notes += (
                f'\n        <br><span class="small">{words["accommodation"]}: '
                f"{_escape(registration.accommodation_needs)}</span>"
            )
        if registration.dietary_needs:
            notes += (
                f'\n        <br><span class="small">{words["diet"]}: '
                f"{_escape(registration.dietary_needs)}</span>"
            )
        if show_unit:
            kind = registration.organisation_kind
            kind_label = kinds.get(kind)
            if kind_label is None:
                kind_label = kinds[kind] = _escape(_KIND_LABEL.get(kind, kind))
            unit_cell = (
                f'\n      <td class="d-none d-lg-table-cell">{unit_name}<br><span class="small '
                f'text-body-secondary">{kind_label}</span></td>'
            )
        else:
            unit_cell = ""
        if status == Status.PENDING:
            actions = _decide_forms(pk, csrf=csrf, words=words)
        elif status in reversible:
            actions = _reverse_form(
                pk, status, csrf=csrf, here=here, action=_escape(reverse_url(pk)), words=words
            )
        else:
            actions = ""
        created = registration.created_at.astimezone(zone)
        out.append(
            f'\n    <tr data-registration="{pk}">\n'
            f'      <td><input type="checkbox" class="form-check-input" name="registrations" '
            f'value="{pk}" form="bulk" aria-label="{name}"></td>\n'
            f'      <td><strong>{name}</strong><br><span class="small text-body-secondary">'
            f"{_escape(registration.position)}, {_escape(registration.organisation_name)}</span>"
            f"{notes}\n"
            f'        <div class="d-md-none small mt-1">{badge} {email_html} · '
            f'<span class="text-nowrap">{phone}</span></div>\n'
            f"      </td>{unit_cell}\n"
            f'      <td class="small d-none d-md-table-cell">{email_html}<br>'
            f'<span class="text-nowrap">{phone}</span></td>\n'
            f'      <td class="d-none d-md-table-cell">{badge}<br><span class="small '
            f'text-body-secondary">{written_datetime(created)}</span></td>\n'
            f'      <td class="text-end">\n        {actions}\n'
            f'        <a class="small d-block mt-1" href="{_escape(detail_url(pk))}">'
            f'{words["details"]}<span class="visually-hidden"> — {name}</span></a>\n'
            f"      </td>\n"
            f"    </tr>"
        )
    return mark_safe("".join(out))


def _number_writer():
    """``number(n)``: a whole number grouped as the language writes them ("1.404"), as a
    template writes it (``USE_THOUSAND_SEPARATOR``, groups of three), without its per-number
    format lookups."""
    separator = _escape(formats.get_format("THOUSAND_SEPARATOR"))

    def number(value: int) -> str:
        return f"{value:,}".replace(",", separator)

    return number


@register.simple_tag
def dashboard_unit_rows(participants, edition) -> str:
    """The ``<tr>`` of each unit in the dashboard's seats per province against the quota: seats
    used, quota and its bar (amber past ``meter_low``, red past ``meter_high``), awaiting a
    decision, waiting list; a unit at its quota is highlighted."""
    number = _number_writer()
    delegation_url = _UrlOf("conference:delegation_unit", "unit_id", number=edition.number)
    cell = '<td class="text-end d-none d-md-table-cell">'
    out = []
    for participant in participants:
        quota = participant.quota
        used = participant.used
        full = ' class="table-warning"' if quota is not None and used >= quota else ""
        meter = (
            f'<meter class="dash-bar" min="0" max="{number(quota)}" '
            f'low="{participant.meter_low:g}" high="{participant.meter_high:g}" optimum="0" '
            f'value="{number(used)}" aria-hidden="true"></meter>'
            if quota
            else ""
        )
        out.append(
            f'<tr data-unit="{_escape(participant.unit.code)}"{full}>\n'
            f'      <td><a href="{_escape(delegation_url(participant.unit_id))}">'
            f"{_escape(participant.unit.name)}</a></td>\n"
            f'      <td class="text-end">{number(used)}</td>\n'
            f'      <td class="text-end">{"—" if quota is None else number(quota)}</td>\n'
            f"      <td>{meter}</td>\n"
            f"      {cell}{number(participant.pending)}</td>\n"
            f"      {cell}{number(participant.waiting)}</td>\n"
            f"    </tr>"
        )
    return mark_safe("".join(out))


@register.simple_tag
def pending_items(registrations) -> str:
    """The dashboard's registrations waiting for a decision: each a ``<li>`` with the link to
    its page, its province (else its kind of organisation) and when it came in."""
    detail_url = _UrlOf("conference:registration_detail")
    zone = timezone.get_current_timezone()
    out = []
    for registration in registrations:
        pk = registration.pk
        unit = registration.unit.name if registration.unit_id else ""
        kind = registration.organisation_kind
        where = unit or _KIND_LABEL.get(kind, kind)
        created = registration.created_at.astimezone(zone)
        out.append(
            f'\n    <li class="list-group-item d-flex justify-content-between gap-2" '
            f'data-registration="{pk}">\n'
            f'      <span><a href="{_escape(detail_url(pk))}">{_escape(registration.full_name)}</a>'
            f'<br><span class="small text-body-secondary">{_escape(where)}</span></span>\n'
            f'      <span class="small text-nowrap">{written_datetime(created)}</span>\n'
            f"    </li>"
        )
    return mark_safe("".join(out))


@register.simple_tag
def badge_unit_rows(participants, edition) -> str:
    """The ``<tr>`` of each unit on the badge index: badges, awaiting confirmation, and the
    link to the unit's sheets (PDF) once it has a badge."""
    number = _number_writer()
    sheet_url = _UrlOf("conference:badge_sheet_unit", "unit_id", number=edition.number)
    sheets_of = gettext("Badges of %(unit)s (PDF)")
    none_yet = _escape(gettext("No confirmed delegate yet"))
    out = []
    for participant in participants:
        name = _escape(participant.unit.name)
        if participant.with_badge:
            link = (
                f'<a class="btn btn-sm btn-outline-primary" '
                f'href="{_escape(sheet_url(participant.unit_id))}" '
                f'aria-label="{sheets_of % {"unit": name}}">PDF</a>'
            )
        else:
            link = f'<span class="text-body-secondary" title="{none_yet}">—</span>'
        out.append(
            f'\n    <tr data-unit="{_escape(participant.unit.code)}">\n'
            f"      <td>{name}</td>\n"
            f'      <td class="text-end" data-figure="badges">{number(participant.with_badge)}'
            f"</td>\n"
            f'      <td class="text-end" data-figure="pending">{number(participant.pending)}</td>\n'
            f'      <td class="text-end">{link}</td>\n'
            f"    </tr>\n  "
        )
    return mark_safe("".join(out))


@register.simple_tag
def seat_table_rows(participants, edition) -> str:
    """The ``<tr>`` of each unit in the organizers' table of seats per province: seats used,
    quota, waiting (numbers grouped as the language writes them); a unit at its quota is
    highlighted."""
    number = _number_writer()
    delegation_url = _UrlOf("conference:delegation_unit", "unit_id", number=edition.number)
    out = []
    for participant in participants:
        quota = participant.quota
        full = ' class="table-warning"' if quota is not None and participant.used >= quota else ""
        out.append(
            f'<tr data-unit="{_escape(participant.unit.code)}"{full}>\n'
            f'      <td><a href="{_escape(delegation_url(participant.unit_id))}">'
            f"{_escape(participant.unit.name)}</a></td>\n"
            f'      <td class="text-end">{number(participant.used)}</td>'
            f'<td class="text-end">{"—" if quota is None else number(quota)}</td>'
            f'<td class="text-end">{number(participant.waiting)}</td></tr>'
        )
    return mark_safe("".join(out))
