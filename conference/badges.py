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

import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import segno
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.text import capfirst

from conference import dates, seat_counts
from conference.badge_names import NAME_LIMITS, text_size
from conference.models import Edition, EditionParticipant, Registration
from provinces.models import ProvincialUnit

PER_SHEET = 8  # 2 columns × 4 rows of 95 × 69 mm on A4


def others_of(edition: Edition):
    """The registrations of ``edition`` outside every participating province's group: those
    without a province (Ministry units, enterprises, the press, guests), and any whose province
    no longer takes part (a participation removed after they registered), so that every badge
    is on exactly one sheet of the index."""
    participating = EditionParticipant.objects.filter(edition=edition).values("unit_id")
    return Registration.objects.for_edition(edition).filter(
        Q(unit__isnull=True) | ~Q(unit__in=participating)
    )


def others_counts(edition: Edition, *, participating=None) -> dict[str, int]:
    """Badges and registrations awaiting confirmation of :func:`others_of`: from the edition's
    counts by province and state (``conference.seat_counts``), with the participating units'
    ids read in one query unless given (``participating``)."""
    if participating is None:
        participating = EditionParticipant.objects.filter(edition=edition).values_list(
            "unit_id", flat=True
        )
    participating = set(participating)
    counts = seat_counts.edition_counts(edition.pk)
    others = {unit_id for unit_id in counts if unit_id is None or unit_id not in participating}
    return {
        "with_badge": seat_counts.total(counts, Registration.GETS_BADGE, others),
        "pending": seat_counts.total(counts, [Registration.Status.PENDING], others),
    }


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


# Text longer than these (in characters) is set smaller on the badge: (long, longer); the name's
# limits and its measuring are in conference.badge_names.
POSITION_LIMITS = (60, 100)
ORGANISATION_LIMITS = (60, 140)


def cut_names(edition: Edition, *, unit=None) -> list[Registration]:
    """The delegates with a badge whose name the badge would cut short, in name order (of one
    province with ``unit``): their id, name, organisation and province (what the badge index
    shows). Each name is measured when it is saved (``Registration.badge_name_cut``), so this
    reads the flagged few (a small partial index) rather than measuring every name of the
    edition; kept until a registration of the edition changes (``conference.seat_counts``)."""

    def flagged() -> list[tuple]:
        queryset = Registration.objects.for_edition(edition).filter(
            badge_name_cut=True, status__in=Registration.GETS_BADGE
        )
        if unit is not None:
            queryset = queryset.for_unit(unit)
        return list(
            queryset.ordered().values_list(
                "id", "full_name", "organisation_name", "unit_id", "unit__name"
            )
        )

    key = f"cut-names:{unit.pk if unit is not None else ''}"
    found = []
    for pk, full_name, organisation_name, unit_id, unit_name in seat_counts.cached(
        edition.pk, key, flagged
    ):
        registration = Registration(
            pk=pk,
            edition=edition,
            full_name=full_name,
            organisation_name=organisation_name,
            unit_id=unit_id,
        )
        if unit_id is not None:
            registration.unit = ProvincialUnit(pk=unit_id, name=unit_name)
        found.append(registration)
    return found


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


# Sheets laid out at a time: a whole edition (several hundred badges) is laid out in parts of
# this many sheets, whose pages then make one document. WeasyPrint's layout time grows faster
# than the number of badges in one document (measured: 120 badges in one part ~55 s, in parts of
# five sheets ~35 s, on a loaded 2-core machine), and the HTML of the edition is never held whole.
SHEETS_PER_PART = 5


def _chunks(registrations: Iterable[Registration], size: int) -> Iterator[list[Registration]]:
    chunk: list[Registration] = []
    for registration in registrations:
        chunk.append(registration)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def render_badges_pdf(
    *,
    edition: Edition,
    registrations: Iterable[Registration],
    title: str,
    sheets_per_part: int = SHEETS_PER_PART,
) -> bytes:
    """The PDF of the badges of ``registrations`` as bytes (see :func:`write_badges_pdf`)."""
    output = io.BytesIO()
    write_badges_pdf(
        edition=edition,
        registrations=registrations,
        title=title,
        output=output,
        sheets_per_part=sheets_per_part,
    )
    return output.getvalue()


def write_badges_pdf(
    *,
    edition: Edition,
    registrations: Iterable[Registration],
    title: str,
    output: BinaryIO,
    progress: Callable[[int], None] | None = None,
    sheets_per_part: int = SHEETS_PER_PART,
) -> int:
    """Write the PDF of the badges of ``registrations`` (the caller picks those with a badge) to
    ``output``: one document, laid out ``sheets_per_part`` full sheets at a time, calling
    ``progress(badges laid out so far)`` after each part. Returns how many badges it holds."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    document = None
    pages = []
    done = 0
    for part_of in _chunks(registrations, sheets_per_part * PER_SHEET):
        html = render_badges_html(edition=edition, registrations=part_of, title=title)
        part = HTML(string=html).render()
        document = document or part
        pages.extend(part.pages)
        done += len(part_of)
        if progress is not None:
            progress(done)
    if document is None:
        html = render_badges_html(edition=edition, registrations=[], title=title)
        document = HTML(string=html).render()
        pages = document.pages
    # PDF/UA-1: tagged, with the <title> shown by viewers and the <html lang> as the document's
    # language (WCAG 2.4.2 and 3.1.1 for PDF).
    document.copy(pages).write_pdf(output, pdf_variant="pdf/ua-1")
    return done
