"""Name badges as PDF: one per delegate, or A4 sheets of eight (2 × 4) for a province.

Only registrations that hold a confirmed seat get a badge (``Registration.GETS_BADGE``:
confirmed and checked in). A pending registration may still be declined and a waitlisted one has
no seat, so a badge printed for them would let someone through the check-in desk's queue only to
be refused there; cancelled and declined ones are over.

The badge shows the salutation, full name, position, organisation and province, the edition's
ordinal, date and place, a QR code that holds the badge code (what a handheld scanner types at
the check-in desk) and the same code in print, grouped "ABCDE-FGHJK" for typing by hand (the
check-in desk ignores dashes and spaces).

The PDF is written by WeasyPrint from ``templates/conference/badge_pdf.html``; the text is set in
DejaVu Sans (Liberation Sans as fallback), which carry every Vietnamese letter and tone mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils.text import capfirst

from conference import dates
from conference.models import Edition, Registration

PER_SHEET = 8  # 2 columns × 4 rows of 95 × 69 mm on A4


def has_badge(registration: Registration) -> bool:
    return registration.status in Registration.GETS_BADGE


def with_badges(queryset):
    """The registrations of ``queryset`` that get a badge, in the order of a name list."""
    return (
        queryset.filter(status__in=Registration.GETS_BADGE)
        .select_related("edition", "unit")
        .ordered()
    )


def display_code(code: str) -> str:
    """ "7K3M9QXD2P" → "7K3M9-QXD2P": two groups of five are easier to type from the badge."""
    return Registration(badge_code=code).badge_code_display


def qr_code(code: str) -> segno.QRCode:
    """A regular QR code (not a Micro QR, which many handheld scanners do not read) holding
    exactly the badge code, so the scanner types what the check-in field expects."""
    return segno.make_qr(code, error="m")


def qr_data_uri(code: str) -> str:
    return qr_code(code).svg_data_uri(scale=4, border=1, dark="#000", light="#fff")


def edition_dates(edition: Edition) -> str:
    if edition.date is None:
        return str(edition.year)
    return dates.date_range(edition.date, edition.end_date)


def edition_place(edition: Edition) -> str:
    place = edition.held_in or edition.host
    return place.name if place is not None else ""


# Text longer than these (in characters) is set smaller on the badge: (long, longer). The badge's
# text column is 59.5 mm wide; a name in 17 pt takes about 16 characters a line, in 13.5 pt about
# 20, in 11 pt about 25; an organisation in 9 pt about 31, in 8 pt 35, in 7 pt 40. Each field is
# also clamped to a few lines with an ellipsis, so the worst case never runs into the QR code or
# the province band.
NAME_LIMITS = (20, 32)
POSITION_LIMITS = (60, 100)
ORGANISATION_LIMITS = (60, 140)


def text_size(text: str, limits: tuple[int, int]) -> str:
    """The CSS class of a badge field for text of this length: "", "long" or "longer"."""
    long, longer = limits
    length = len(text or "")
    if length > longer:
        return "longer"
    if length > long:
        return "long"
    return ""


def badge_data(registration: Registration) -> dict[str, Any]:
    """What one badge shows (in the active language)."""
    return {
        "salutation": capfirst(registration.salutation_word),
        "full_name": registration.full_name,
        "name_size": text_size(registration.full_name, NAME_LIMITS),
        "position": registration.position,
        "position_size": text_size(registration.position, POSITION_LIMITS),
        "organisation": registration.organisation_name,
        "organisation_size": text_size(registration.organisation_name, ORGANISATION_LIMITS),
        "unit": registration.unit.name if registration.unit_id else "",
        "kind": registration.get_organisation_kind_display(),
        "code": registration.badge_code,
        "code_display": display_code(registration.badge_code),
        "qr": qr_data_uri(registration.badge_code),
        "status": registration.status,
    }


def _sheets(badges: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(badges), PER_SHEET):
        yield badges[start : start + PER_SHEET]


def render_badges_html(*, edition: Edition, registrations: Iterable[Registration], title: str):
    badges = [badge_data(registration) for registration in registrations]
    return render_to_string(
        "conference/badge_pdf.html",
        {
            "edition": edition,
            "dates": edition_dates(edition),
            "place": edition_place(edition),
            "sheets": list(_sheets(badges)),
            "title": title,
        },
    )


def render_badges_pdf(
    *, edition: Edition, registrations: Iterable[Registration], title: str
) -> bytes:
    """The PDF of the badges of ``registrations`` (the caller picks those with a badge)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    html = render_badges_html(edition=edition, registrations=registrations, title=title)
    # PDF/UA-1: tagged, with the <title> shown by viewers and the <html lang> as the document's
    # language (WCAG 2.4.2 and 3.1.1 for PDF).
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
