"""Delegate registration pages: the public form, the self-service link, the liaison's delegation
page and the organizers' list. Thin: permission → form → service → redirect with a message."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conference import badges, calendar, dates, public_cache, seat_counts
from conference.forms.registrations import (
    DecisionForm,
    ManageLinkForm,
    RegistrationEditForm,
    RegistrationForm,
    validation_error_to_form,
)
from conference.models import Edition, EditionParticipant, Registration
from conference.pagination import CountingPaginator
from conference.permissions import can, department_of, require
from conference.querysets import set_seat_counts
from conference.ratelimit import ratelimit
from conference.services import registrations as services
from conference.services.editions import edition_fill_free_seats
from conference.signing import InvalidLink
from conference.views.shared import (
    edition_asked_facts,
    edition_or_404,
    forget_registration,
    invalid_link,
    participants_of,
    registration_filters,
    remember_registration,
    render_edition,
    with_managed_registration,
)
from provinces.models import ProvincialUnit

# What the page after the form shows to the one who sent it (in their own browser only: a signed
# cookie of that page): the address as they typed it, in full (nobody else sees it), and whether
# the seats of the province they chose were all taken, so that the registration goes on the
# waiting list.
SENT_COOKIE = "registration_sent"
SENT_SECONDS = 3600
PAGE_SIZE = 50  # rows of the organizers' list and of a delegation page


# ---------------------------------------------------------------------------------------------
# The delegate
# ---------------------------------------------------------------------------------------------


def _form_facts(request, number: int, *, page: bool = False):
    """What the public form of edition ``number`` reads on every request, kept with the public
    pages (``public_cache``: fresh again as soon as an edition, its programme or its provinces
    change): the edition (as its pages read it), its provinces' quotas, its programme parts and
    its participating units, in order. Returns the public pages' version, those facts and (with
    ``page``) the form's page as kept in the cache, all read in one round trip."""
    facts_key = public_cache.value_key(f"registration-form:{number}")
    keys = [facts_key, public_cache.page_key(request)] if page else [facts_key]
    current, (facts, *kept) = public_cache.lookup(*keys)
    if facts is None:
        edition = Edition.objects.with_host().filter(number=number).first()
        if edition is None:
            raise Http404(_("There is no edition with this number."))
        facts = (
            edition,
            services.edition_quotas(edition),
            list(edition.programme_parts.order_by("order", "id")),
            list(
                ProvincialUnit.objects.filter(participations__edition=edition).order_by("sort_key")
            ),
        )
        public_cache.keep(facts_key, facts, current)
    return current, facts, (kept[0] if kept else None)


@ratelimit("registration")
@require_http_methods(["GET", "POST"])
def registration_create(request, number: int):
    """The public registration form. Its page is the same for every anonymous visitor but for
    the CSRF token (the seats words of the provinces are part of it): it is kept in the cache
    with the words it shows (``public_cache.page_keep``) and served while the words are the
    same, so a visitor's GET reads no table; a registration that frees or takes a seat moves
    the seat counts at once and with them the words, so the page never says "full" of a
    province with seats, nor the reverse."""
    get = request.method == "GET"
    current, (edition, quotas, parts, units), kept = _form_facts(request, number, page=get)
    closed = services.registration_window_message(edition)
    if closed:
        return render_edition(
            request,
            "conference/registration_closed.html",
            {"edition": edition, "message": closed},
        )
    if get:
        seats = services.seats_availability_by_unit(edition, quotas)
        cacheable = public_cache.cacheable(request, current)
        variant = ",".join(f"{unit}:{word}" for unit, word in sorted(seats.items(), key=str))
        if cacheable and (page := public_cache.page_from(kept, request, variant=variant)):
            return page
        form = RegistrationForm(edition=edition, seats=seats, parts=parts, units=units)
        response = _form_page(request, edition, form)
        if cacheable:
            public_cache.page_keep(request, response, current, variant=variant)
        return response

    # The waiting-list box shows once the service said "full" (and stays while it is ticked).
    full = request.POST.get("join_waitlist") in ("on", "True")
    form = RegistrationForm(request.POST, edition=edition, full=full, parts=parts, units=units)
    if form.is_bot:
        # A neutral answer and nothing saved: the bot learns nothing.
        return _sent(request, edition, {})
    refused = None
    if form.is_valid():
        try:
            registration, _created = services.delegate_register(
                edition=edition,
                data={
                    **form.service_data(),
                    "language": services.language_of(request.LANGUAGE_CODE),
                },
                parts=form.chosen_parts(),
                consent=form.cleaned_data["consent"],
                join_waitlist=form.cleaned_data.get("join_waitlist", False),
                quotas=quotas,
            )
        except services.Full as error:
            full, refused = True, error
        except ValidationError as error:
            refused = error
        else:
            return _sent(request, edition, _sent_details(edition, registration, form, quotas))
    # The seats words of every province are only shown when the form comes back: a
    # registration that goes through costs no count of the seats (the rush's hot path).
    form.show_seats(services.seats_availability_by_unit(edition, quotas), full=full)
    if isinstance(refused, services.Full):
        form.add_error(None, refused)
    elif refused is not None:
        validation_error_to_form(form, refused)
    return _form_page(request, edition, form)


def _form_page(request, edition: Edition, form: RegistrationForm):
    return render_edition(
        request,
        "conference/registration_form.html",
        {
            "edition": edition,
            "form": form,
            "seats_hint": form.seats_hint(),
            # The edition's own word ("None": no province's quota): the same count, read once.
            "availability": form.seats.get(None, ""),
            "closes_at": edition.registration_closes_at,
            "verify_hours": services.VERIFY_HOURS,
        },
    )


def _sent_details(edition, registration: Registration, form: RegistrationForm, quotas) -> dict:
    """What the page after the form tells the one who sent it: the same page whether the
    address was new or already registered. "On the waiting list" is said from the seats of the
    province chosen, not from the registration: it can only be so when the box was ticked
    (without it, a full province sends the form back), and only then are the seats counted."""
    unit = form.cleaned_data.get("unit")
    waitlist = False
    if form.cleaned_data.get("join_waitlist"):
        seats = services.seats_availability_by_unit(edition, quotas)
        waitlist = seats.get(unit.pk if unit else None) == "full"
    return {"email": registration.email, "waitlist": waitlist, "unit": unit.name if unit else ""}


def _sent_cookie(language: str) -> str:
    return f"{SENT_COOKIE}_{language}"


def _sent(request, edition, details: dict):
    """Redirect to the page after the form, which shows ``details`` to this browser only: kept
    in a signed cookie of that page alone for an hour (``SENT_COOKIE``), not in the session (a
    session written for every registration would be three more queries on the rush's path).
    The page has one address per language, so there is one cookie per language: the details
    are still shown after the sender switches language there."""
    response = redirect("conference:registration_sent", number=edition.number)
    value = json.dumps(details)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            path = reverse("conference:registration_sent", kwargs={"number": edition.number})
        response.set_signed_cookie(
            _sent_cookie(language),
            value,
            salt=SENT_COOKIE,
            max_age=SENT_SECONDS,
            path=path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _sent_read(request) -> dict:
    try:
        details = json.loads(
            request.get_signed_cookie(
                _sent_cookie(translation.get_language()), salt=SENT_COOKIE, max_age=SENT_SECONDS
            )
        )
    except (KeyError, ValueError, signing.BadSignature):
        return {}
    return details if isinstance(details, dict) else {}


def registration_sent(request, number: int):
    edition = _form_facts(request, number)[1][0]
    return render_edition(
        request,
        "conference/registration_sent.html",
        {
            "edition": edition,
            "sent": _sent_read(request),
            "verify_hours": services.VERIFY_HOURS,
        },
    )


@ratelimit("registration_link")
@require_http_methods(["GET", "POST"])
def registration_link(request, number: int):
    """ "Send me my link again"; the same message whether or not the address is registered."""
    edition = edition_or_404(number)
    if edition.links_expired():
        # No link of this edition opens anything any more: say so rather than send one.
        return render_edition(
            request,
            "conference/registration_link.html",
            {"edition": edition, "form": None, "expired_at": edition.links_expire_at()},
        )
    form = ManageLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_bot:
            services.registration_send_manage_link(
                edition=edition, email=form.cleaned_data["email"]
            )
        messages.success(request, services.NOT_REVEALING)
        return redirect("conference:registration_link", number=edition.number)
    return render_edition(
        request, "conference/registration_link.html", {"edition": edition, "form": form}
    )


def _no_longer_changeable(registration: Registration) -> str:
    """Why the delegate can no longer change or cancel, in plain words."""
    if registration.status == Registration.Status.CHECKED_IN:
        return _(
            "You have checked in: your registration can no longer be changed or cancelled. "
            "Please contact the organizers."
        )
    return _("This registration is %(status)s and can no longer be changed.") % {
        "status": registration.get_status_display().lower()
    }


@require_http_methods(["GET"])
def registration_open(request, token: str):
    """The link of the delegate's emails: it opens the registration for this browser session
    and leads on to ``/registration/manage/``, so the token is not kept in the address bar, the
    history, ``Referer`` headers or the access log of the pages that follow."""
    try:
        registration = Registration.objects.from_manage_token(token)
    except InvalidLink as error:
        return invalid_link(request, error)
    remember_registration(request, registration)
    return redirect("conference:registration_manage")


@with_managed_registration
def registration_manage(request, registration: Registration):
    edition = registration.edition
    return render_edition(
        request,
        "conference/registration_manage.html",
        {
            "registration": registration,
            "edition": edition,
            "links_expire_at": edition.links_expire_at(),
            "can_edit": services.registration_can_edit(registration),
            "can_cancel": registration.can_become(Registration.Status.CANCELLED)
            and edition.cancel_allowed(),
            "changes_until": edition.changes_deadline(),
            "decline_reason": services.decline_reason(registration),
            # The same day's information as the confirmation email, for a confirmed delegate.
            "day": calendar.day_details(edition)
            if registration.status in Registration.GETS_BADGE
            else None,
            "qr": badges.qr_data_uri(registration.badge_code)
            if registration.status in Registration.GETS_BADGE
            else "",
        },
    )


@require_http_methods(["GET", "POST"])
@with_managed_registration
def registration_edit(request, registration: Registration):
    manage = reverse("conference:registration_manage")
    if not registration.is_active or registration.status == Registration.Status.CHECKED_IN:
        messages.error(request, _no_longer_changeable(registration))
        return redirect(manage)
    if not registration.edition.changes_allowed():
        deadline = registration.edition.changes_deadline()
        messages.error(
            request,
            _("Changes were possible until %(when)s. Please contact the organizers.")
            % {"when": dates.deadline_text(deadline)},
        )
        return redirect(manage)
    form = RegistrationEditForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_update(
                registration=registration,
                data=form.service_data(),
                parts=form.cleaned_data.get("parts") if "parts" in form.fields else None,
            )
        except ValidationError as error:
            validation_error_to_form(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(manage)
    return render_edition(
        request,
        "conference/registration_edit.html",
        {"registration": registration, "form": form},
    )


@require_http_methods(["GET", "POST"])
@with_managed_registration
def registration_cancel(request, registration: Registration):
    manage = reverse("conference:registration_manage")
    if not registration.can_become(Registration.Status.CANCELLED):
        messages.error(request, _no_longer_changeable(registration))
        return redirect(manage)
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect(manage)
    return render_edition(
        request,
        "conference/registration_cancel.html",
        {"registration": registration},
    )


@require_http_methods(["POST"])
@with_managed_registration
def registration_verify(request, registration: Registration):
    """The delegate confirms their address (the button on the page their emailed link opens):
    the registration takes a seat, or a place on the waiting list."""
    registration = services.registration_verify_email(registration=registration)
    if registration.status == Registration.Status.WAITLISTED:
        messages.warning(
            request,
            _(
                "Thank you: your email address is confirmed. All seats are taken for now, so "
                "your registration is on the waiting list."
            ),
        )
    else:
        messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("conference:registration_manage")


@require_http_methods(["GET", "POST"])
@with_managed_registration
def registration_erase(request, registration: Registration):
    """Delete the registration and its personal data (Decree 13/2023/NĐ-CP)."""
    if request.method == "POST":
        number = registration.edition.number
        services.registration_erase(registration=registration)
        forget_registration(request)
        messages.success(request, _("Your registration and your personal data are deleted."))
        return redirect("conference:registration_create", number=number)
    return render_edition(
        request,
        "conference/registration_erase.html",
        {"registration": registration},
    )


# ---------------------------------------------------------------------------------------------
# The province liaison and the organizers
# ---------------------------------------------------------------------------------------------


def apply_decision(request, form: DecisionForm) -> None:
    registrations = list(form.cleaned_data["registrations"])
    for registration in registrations:
        require(request.user, "delegation.manage", registration)
    service = {
        "confirm": services.registrations_confirm,
        "decline": services.registrations_decline,
        "cancel": services.registrations_cancel,
    }[form.cleaned_data["action"]]
    done, errors = service(
        registrations=registrations, actor=request.user, reason=form.cleaned_data["reason"]
    )
    if done:
        messages.success(
            request,
            {
                "confirm": _("Confirmed: %(count)s."),
                "decline": _("Declined: %(count)s."),
                "cancel": _("Cancelled: %(count)s."),
            }[form.cleaned_data["action"]]
            % {"count": done},
        )
    for error in errors:
        messages.error(request, error)


@login_required
@require_http_methods(["GET", "POST"])
def delegation(request, number: int, unit_id: int | None = None):
    """A province's delegation for an edition: quota used and left, confirm or decline.

    Liaisons see their own department's unit; organizers may open any unit's page."""
    if unit_id is None:
        department = department_of(request.user)
        if department is None or not department.unit.is_current:
            get_object_or_404(Edition, number=number)  # a missing edition is still a 404
            raise PermissionDenied(
                _("This page is for the liaisons of a Department of Industry and Trade.")
            )
        unit_id = department.unit_id
    # The edition (its title and number: not with_host()) with the participation: one query.
    participant = get_object_or_404(
        EditionParticipant.objects.select_related("edition", "unit").with_seat_counts(),
        edition__number=number,
        unit_id=unit_id,
    )
    edition = participant.edition
    unit = participant.unit
    require(request.user, "delegation.manage", unit)
    registrations = Registration.objects.for_edition(edition).for_unit(unit)
    # The ticked ones with their unit: the liaison's permission is checked on each.
    form = DecisionForm(request.POST or None, queryset=registrations.select_related("unit"))
    if request.method == "POST":
        if form.is_valid():
            apply_decision(request, form)
            return redirect(request.get_full_path())
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    paginator = Paginator(registrations.by_status_then_name().for_rows(), PAGE_SIZE)
    paginator.count = participant.registered  # counted with the seats: no COUNT of its own
    page = paginator.get_page(request.GET.get("page"))
    return render_edition(
        request,
        "conference/registration_delegation.html",
        {
            "edition": edition,
            "unit": unit,
            "participant": participant,
            "page": page,
            "registrations": page.object_list,
            "form": form,
            "is_organizer": can(request.user, "edition.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_list(request):
    """Every registration of an edition, with filters, search, counts per province."""
    require(request.user, "edition.manage")
    facts = edition_asked_facts(request, participants=True, editions=True)
    filters = registration_filters(request, Registration.objects.for_rows(), facts)
    edition = filters.selected_edition()
    decision = DecisionForm(
        request.POST or None,
        queryset=Registration.objects.for_edition(edition),
        actions=("confirm", "decline", "cancel"),
    )
    if request.method == "POST" and "promote" in request.POST:
        # After raising the capacity or a quota: fill the free seats from the waiting list.
        promoted = edition_fill_free_seats(edition=edition, actor=request.user)
        messages.success(
            request,
            _("Moved from the waiting list: %(count)s.") % {"count": len(promoted)},
        )
        return redirect(request.get_full_path())
    if request.method == "POST":
        if decision.is_valid():
            apply_decision(request, decision)
            return redirect(request.get_full_path())
        for errors in decision.errors.values():
            for error in errors:
                messages.error(request, error)
    # The seats per province, the province filter's choices, the seats and the number of rows
    # (unless a search or the kind of organisation narrows them) all come from the edition's
    # counts (conference.seat_counts: one grouped query, cached) and its participating units
    # (kept with the edition: views.shared.edition_facts).
    per_unit = facts.participants if edition is facts.edition else participants_of(edition)
    set_seat_counts(per_unit)
    filters.offer_units(participant.unit for participant in per_unit)
    seats = services.seats_summary(edition)
    counted = filters.count_from(seat_counts.edition_counts(edition.pk))
    if counted is None and filters.searches_narrowly():
        paginator = CountingPaginator(filters.qs.ordered(), PAGE_SIZE)  # rows and count at once
    else:
        paginator = Paginator(filters.qs.ordered(), PAGE_SIZE)
    if counted is not None:
        paginator.count = counted  # no COUNT of its own
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_edition(
        request,
        "conference/registration_list.html",
        {
            "edition": edition,
            "filters": filters.choices_listed().form,
            "page": page,
            "per_unit": per_unit,
            "seats": seats,
            "query": query.urlencode(),
            "decision": decision,
        },
    )
