"""At the venue: name badges (PDF), the check-in desk, and the organizers' CSV export (the
all-badges PDF and the XLSX export are prepared in the background: ``views/file_jobs.py``).

Thin views: permission → input → badges/exports/venue module → response.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conference import badges, exports, seat_counts
from conference.filters import RegistrationFilter
from conference.forms.venue import CheckInUndoForm
from conference.models import Edition, EditionParticipant, Registration
from conference.permissions import can, department_of, is_organizer, require
from conference.services import venue
from conference.text_input import clean_text
from conference.views.shared import (
    edition_facts,
    edition_or_404,
    registration_filters,
    render_edition,
    with_managed_registration,
)

CHECKIN_SESSION_KEY = "checkin_result"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _unavailable(request, registration: Registration, *, delegate: bool = False):
    return render_edition(
        request,
        "conference/badge_unavailable.html",
        {"registration": registration, "edition": registration.edition, "delegate": delegate},
        status=409,
    )


def _badge_pdf(request, registration: Registration, *, delegate: bool = False):
    if not badges.has_badge(registration):
        return _unavailable(request, registration, delegate=delegate)
    edition = Edition.objects.with_host().get(pk=registration.edition_id)
    content = badges.render_badges_pdf(
        edition=edition,
        registrations=[registration],
        title=_("Badge of %(name)s") % {"name": registration.full_name},
    )
    return _pdf(content, f"badge-{registration.badge_code}.pdf")


# ---------------------------------------------------------------------------------------------
# Badges
# ---------------------------------------------------------------------------------------------


@login_required
def badge_index(request, number: int):
    """The badge sheets of an edition: every province for organizers, one's own for a liaison;
    for organizers also one PDF of every badge or of a filtered set (the filters of the
    registration list), and the names too long for the badge, before anything is printed."""
    # The edition's own fields are all the page shows (with_host()'s joins were a quarter of it).
    edition = get_object_or_404(Edition, number=number)
    organizer = is_organizer(request.user)
    participants = EditionParticipant.objects.filter(edition=edition).select_related("unit")
    unit = None
    if not organizer:
        department = department_of(request.user)
        if department is None or not can(request.user, "delegation.view", department.unit):
            raise PermissionDenied(_("You are not allowed to do this."))
        unit = department.unit
        participants = participants.filter(unit_id=department.unit_id)
    participants = list(participants.order_by("unit__sort_key").with_seat_counts())
    context = {
        "edition": edition,
        "participants": participants,
        "others": None,
        "cut_names": badges.cut_names(edition, unit=unit),
    }
    if organizer:
        # The province choices (and their check) from the participants already read.
        filters = _badge_filters(request, edition).offer_units(p.unit for p in participants)
        data = filters.data.copy()
        data.pop("page", None)
        filtered = any(request.GET.get(key) for key in ("unit", "status", "organisation_kind", "q"))
        others = badges.others_counts(
            edition, participating=[participant.unit_id for participant in participants]
        )
        context.update(
            {
                "others": others,
                "filters": filters.form,
                "filtered": filtered,
                "selected": _selected_badges(filters, edition),
                "query": data.urlencode(),
            }
        )
    return render_edition(request, "conference/badge_index.html", context)


def _selected_badges(filters: RegistrationFilter, edition: Edition) -> int:
    """The badges the filters select: from the edition's counts by province and state when
    only those filter (every badge of the edition without filters), else counted."""
    counted = filters.count_from(
        seat_counts.edition_counts(edition.pk), within=Registration.GETS_BADGE
    )
    return badges.with_badges(filters.qs).count() if counted is None else counted


def _badge_filters(request, edition: Edition) -> RegistrationFilter:
    """The filters of the organizers' registration list, for the edition of the URL."""
    data = request.GET.copy()
    data["edition"] = str(edition.number)
    return RegistrationFilter(data, queryset=Registration.objects.all(), edition=edition)


@login_required
def badge_sheet_unit(request, number: int, unit_id: int):
    """A4 sheets of the badges of one province's delegation."""
    edition = edition_or_404(number)
    participant = get_object_or_404(
        EditionParticipant.objects.select_related("unit"), edition=edition, unit_id=unit_id
    )
    require(request.user, "delegation.view", participant.unit)
    registrations = list(
        badges.with_badges(Registration.objects.for_edition(edition).for_unit(participant.unit))
    )
    if not registrations:
        return render_edition(
            request,
            "conference/badge_none.html",
            {"edition": edition, "unit": participant.unit},
            status=404,
        )
    content = badges.render_badges_pdf(
        edition=edition,
        registrations=registrations,
        title=_("Badges of the delegation of %(unit)s") % {"unit": participant.unit.name},
    )
    return _pdf(content, f"badges-{edition.ordinal}-{participant.unit.code}.pdf")


@login_required
def badge_sheet_others(request, number: int):
    """A4 sheets of the badges of delegates without a province (Ministry, press, guests)."""
    edition = edition_or_404(number)
    require(request.user, "edition.manage")
    registrations = list(badges.with_badges(badges.others_of(edition)))
    if not registrations:
        return render_edition(
            request, "conference/badge_none.html", {"edition": edition, "unit": None}, status=404
        )
    content = badges.render_badges_pdf(
        edition=edition,
        registrations=registrations,
        title=_("Badges of delegates without a province"),
    )
    return _pdf(content, f"badges-{edition.ordinal}-others.pdf")


@login_required
def badge_registration(request, pk: int):
    """One delegate's badge, for organizers and the liaison of the delegate's province."""
    registration = get_object_or_404(Registration.objects.with_related(), pk=pk)
    if registration.unit_id is None:
        require(request.user, "edition.manage")
    else:
        require(request.user, "delegation.view", registration.unit)
    return _badge_pdf(request, registration)


@with_managed_registration
def badge_delegate(request, registration: Registration):
    """The delegate's own badge, through the signed link of their registration."""
    return _badge_pdf(request, registration, delegate=True)


# ---------------------------------------------------------------------------------------------
# Check-in
# ---------------------------------------------------------------------------------------------


DESK_PAGES = {"desk": "conference:checkin", "camera": "conference:checkin_camera"}


def _desk_context(request, edition: Edition) -> dict:
    """What both desk pages show: the answer to the last scan (once), the counts, the last five
    checked in (with a link to undo)."""
    recent = (
        Registration.objects.for_edition(edition)
        .filter(status=Registration.Status.CHECKED_IN)
        .select_related("unit")
        .order_by("-checked_in_at", "-id")[:5]
    )
    return {
        "edition": edition,
        "result": request.session.pop(CHECKIN_SESSION_KEY, None),
        "counts": venue.checkin_counts(edition),
        "recent": recent,
        "can_undo": can(request.user, "checkin.undo", edition),
    }


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, number: int):
    """The check-in desk: one field for the badge code (typed, or typed by a scanner, which ends
    with Enter), a name or a phone number.

    POST a code → check in → redirect → the answer in big letters above the field (on the day
    before or after the edition: a warning to confirm first). POST a name or a phone → redirect
    to ``?q=…``: the delegates who match, each with its own "Check in" button."""
    if request.method == "GET":
        # Kept with the public pages (views.shared.edition_facts): no query while unchanged.
        facts = edition_facts(number)
        if facts is None:
            raise Http404(_("There is no edition with this number."))
        edition = facts.edition
    else:
        edition = get_object_or_404(Edition, number=number)  # title and days: not with_host()
    require(request.user, "checkin.perform", edition)
    if request.method == "POST":
        page = DESK_PAGES.get(request.POST.get("page", ""), DESK_PAGES["desk"])
        typed = clean_text(request.POST.get("code", ""))[:100].strip()
        if typed and not venue.looks_like_badge_code(typed) and not venue.badge_code_exists(typed):
            url = reverse("conference:checkin", kwargs={"number": edition.number})
            return redirect(f"{url}?{urlencode({'q': typed})}")
        result = venue.venue_check_in(
            edition=edition,
            badge_code=typed,
            actor=request.user,
            outside_days_confirmed=request.POST.get("outside_days") == "confirmed",
        )
        request.session[CHECKIN_SESSION_KEY] = result.as_dict()
        return redirect(page, number=edition.number)
    query = clean_text(request.GET.get("q", ""))[:100].strip()
    return render_edition(
        request,
        "conference/checkin.html",
        {
            **_desk_context(request, edition),
            "query": query,
            "matches": venue.desk_search(edition=edition, query=query) if query else None,
            "search_limit": venue.DESK_SEARCH_LIMIT,
        },
    )


@login_required
def checkin_camera(request, number: int):
    """The desk on a phone: the browser's camera reads the QR code of the badge (where the
    browser can: BarcodeDetector) and sends it as if typed; the field to type the code is there
    either way (no camera, no permission, no JavaScript)."""
    edition = edition_or_404(number)
    require(request.user, "checkin.perform", edition)
    return render_edition(
        request, "conference/checkin_camera.html", _desk_context(request, edition)
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_undo(request, number: int, pk: int):
    """Take back a check-in made by mistake: a page that says whose, an optional reason, and a
    button (a second scan of the right badge then checks the right delegate in)."""
    edition = edition_or_404(number)
    require(request.user, "checkin.undo", edition)
    registration = get_object_or_404(
        Registration.objects.select_related("unit"), pk=pk, edition=edition
    )
    form = CheckInUndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = venue.venue_check_in_undo(
            registration=registration, actor=request.user, reason=form.cleaned_data["reason"]
        )
        request.session[CHECKIN_SESSION_KEY] = result.as_dict()
        return redirect("conference:checkin", number=edition.number)
    return render_edition(
        request,
        "conference/checkin_undo.html",
        {
            "edition": edition,
            "registration": registration,
            "who": venue.who(registration),
            "form": form,
        },
    )


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------


def _filtered(request):
    """The organizers' list filters, read exactly as the list page reads them."""
    require(request.user, "edition.manage")
    filters = registration_filters(request, Registration.objects.all())
    return filters.selected_edition(), filters.qs


def _filename(edition: Edition, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"dang-ky-lan-{edition.ordinal}-{stamp}.{extension}"


def _filters_recorded(request) -> dict:
    # As the filters read them: without control characters (PostgreSQL refuses NUL in JSON).
    return {
        key: clean_text(request.GET.get(key, ""))[:100]
        for key in ("edition", "unit", "status", "organisation_kind", "q")
        if request.GET.get(key)
    }


@login_required
def registration_export_csv(request):
    edition, queryset = _filtered(request)
    venue.export_record(
        edition=edition, actor=request.user, file_format="csv", filters=_filters_recorded(request)
    )
    response = StreamingHttpResponse(exports.csv_lines(queryset), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response
