"""Editions and the host flag: the public journey of the flag, calendar files, the open data
feeds, and the organizers' page that moves an edition through its stages and records the
handover (through ``conference.services.editions``)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_POST

from conference import calendar
from conference.forms.editions import CloseForm, HandoverForm
from conference.models import Edition, Handover
from conference.permissions import require
from conference.public_cache import public_page
from conference.services import editions as services
from conference.vietnamese import roman

FEED_CACHE_SECONDS = 600


def _journey_rows(editions: list[Edition]) -> list[dict]:
    """Every ordinal from I to the latest: a recorded edition, or a run of unknown ones."""
    by_number = {e.number: e for e in editions}
    rows: list[dict] = []
    gap: list[int] = []
    for number in range(1, max(by_number, default=0) + 1):
        if number not in by_number:
            gap.append(number)
            continue
        if gap:
            rows.append({"gap": [roman(n) for n in gap]})
            gap = []
        rows.append({"edition": by_number[number]})
    return rows


@public_page
def flag_journey(request):
    editions = list(Edition.objects.real().timeline())
    current = next(
        (
            e.handover_received
            for e in editions
            if e.handover_received and e.handover_received.is_current
        ),
        None,
    )
    return render(
        request,
        "conference/flag_journey.html",
        {"rows": _journey_rows(editions), "current": current},
    )


def _edition_or_404(number: int) -> Edition:
    edition = Edition.objects.with_host().filter(number=number).first()
    if edition is None:
        raise Http404(_("There is no edition with this number."))
    return edition


def edition_ics(request, number: int):
    """The edition as a calendar event (with its hours when a start time is recorded, else all
    day); the same file a confirmed delegate receives with the confirmation email."""
    edition = _edition_or_404(number)
    if edition.date is None:
        raise Http404(_("The date of this edition is not known yet."))
    response = HttpResponse(
        calendar.edition_ics(
            edition,
            url=request.build_absolute_uri(edition.get_absolute_url()),
            uid_host=request.get_host(),
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar.ics_filename(edition)}"'
    return response


# The first bytes of each format the handover photo's validator accepts.
PHOTO_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def _photo_type(head: bytes) -> str:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in PHOTO_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return "application/octet-stream"


def handover_photo(request, number: int):
    """The photo of the handover at the close of edition ``number`` (a public ceremony: anyone
    may see it), uploaded in the admin; its type is read from its first bytes, not its name."""
    handover = Handover.objects.filter(from_edition__number=number).exclude(photo="").first()
    if handover is None:
        raise Http404(_("There is no photo of this handover."))
    try:
        file = handover.photo.open("rb")
    except FileNotFoundError:
        raise Http404(_("There is no photo of this handover.")) from None
    content_type = _photo_type(file.read(12))
    file.seek(0)
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- Open data: editions and handovers, JSON and CSV (read-only, cached) ----------------------

EDITION_FIELDS = [
    "number", "ordinal", "year", "date", "end_date", "host_code", "host_name", "held_in_code",
    "held_in_name", "venue", "stage", "sources",
]  # fmt: skip
HANDOVER_FIELDS = [
    "at_edition", "for_edition", "date", "place", "handed_by_name", "handed_by_title",
    "receiving_department", "receiving_unit_code", "receiving_unit_name", "received_by_name",
    "received_by_title", "documented", "source",
]  # fmt: skip


def _edition_rows() -> list[dict]:
    return [
        {
            "number": e.number,
            "ordinal": e.ordinal,
            "year": e.year,
            "date": e.date.isoformat() if e.date else None,
            "end_date": e.end_date.isoformat() if e.end_date else None,
            "host_code": e.host.code if e.host else None,
            "host_name": e.host.name if e.host else None,
            "held_in_code": e.held_in.code if e.held_in else None,
            "held_in_name": e.held_in.name if e.held_in else None,
            "venue": e.venue,
            "stage": e.lifecycle,
            "sources": e.sources,
        }
        for e in Edition.objects.real().timeline()
    ]


def _handover_rows() -> list[dict]:
    handovers = Handover.objects.filter(
        from_edition__is_demo=False, to_edition__is_demo=False
    ).select_related("from_edition", "to_edition", "receiving_department__unit")
    return [
        {
            "at_edition": h.from_edition.number,
            "for_edition": h.to_edition.number,
            "date": h.date.isoformat(),
            "place": h.place,
            "handed_by_name": h.handed_by_name,
            "handed_by_title": h.handed_by_title,
            "receiving_department": h.receiving_department.name,
            "receiving_unit_code": h.receiving_department.unit.code,
            "receiving_unit_name": h.receiving_department.unit.name,
            "received_by_name": h.received_by_name,
            "received_by_title": h.received_by_title,
            "documented": h.documented,
            "source": h.source,
        }
        for h in handovers.order_by("date")
    ]


def _csv(rows: list[dict], fields: list[str], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    # A byte-order mark, so spreadsheet programs read the Vietnamese letters as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _feed(rows_of, fields, name):
    @cache_page(FEED_CACHE_SECONDS)
    def view(request, fmt: str):
        if fmt not in ("json", "csv"):
            raise Http404(_("Available as .json and .csv."))
        rows = rows_of()
        if fmt == "csv":
            return _csv(rows, fields, f"{name}.csv")
        response = JsonResponse(
            {name: rows},
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return view


editions_feed = _feed(_edition_rows, EDITION_FIELDS, "editions")
handovers_feed = _feed(_handover_rows, HANDOVER_FIELDS, "handovers")


# --- Organizers: an edition's stages and its handover ------------------------------------------


@login_required
def edition_manage(request, number: int):
    edition = _edition_or_404(number)
    require(request.user, "edition.manage", edition)
    handover_form = HandoverForm(edition=edition)
    close_form = CloseForm()
    if request.method == "POST" and request.POST.get("step") == "handover":
        handover_form = HandoverForm(request.POST, request.FILES, edition=edition)
        if handover_form.is_valid():
            try:
                handover = services.edition_hand_over_flag(
                    at_edition=edition, actor=request.user, **handover_form.service_arguments()
                )
            except ValidationError as error:
                handover_form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("The flag of edition %(ordinal)s was handed to %(department)s.")
                    % {
                        "ordinal": handover.to_edition.ordinal,
                        "department": handover.receiving_department.display_name,
                    },
                )
                return redirect("conference:edition_manage", number=edition.number)
    return render(
        request,
        "conference/edition_manage.html",
        {
            "edition": edition,
            "handover_form": handover_form,
            "close_form": close_form,
            "next_steps": sorted(Edition.LIFECYCLE_TRANSITIONS[edition.lifecycle]),
            "shows_demo": edition.is_demo,
        },
    )


STEPS = {
    Edition.Lifecycle.REGISTRATION_OPEN: services.edition_open_registration,
    Edition.Lifecycle.PROPOSALS_OPEN: services.edition_open_proposals,
    Edition.Lifecycle.HELD: services.edition_mark_held,
}


@login_required
@require_POST
def edition_step(request, number: int):
    """One stage forward, through the service of that step."""
    edition = _edition_or_404(number)
    require(request.user, "edition.manage", edition)
    step = request.POST.get("to", "")
    try:
        if step == Edition.Lifecycle.CLOSED:
            form = CloseForm(request.POST)
            form.is_valid()
            services.edition_close(
                edition=edition,
                actor=request.user,
                last_of_series=bool(form.cleaned_data.get("last_of_series")),
            )
        elif step in STEPS:
            STEPS[step](edition=edition, actor=request.user)
        else:
            raise ValidationError(_("Choose a stage."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        edition.refresh_from_db()
        messages.success(
            request,
            _("Edition %(ordinal)s is now: %(stage)s.")
            % {"ordinal": edition.ordinal, "stage": edition.get_lifecycle_display()},
        )
    return redirect("conference:edition_manage", number=edition.number)
