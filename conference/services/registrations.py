"""Writes with rules: delegate registration.

Every function is keyword-only, owns its transaction, locks what it changes, validates, saves with
``update_fields``, writes an audit entry and queues its notifications inside the same transaction
(the outbox sends them after commit). Views, forms, admin actions and commands call these; they do
not repeat the rules.

Seats: ``Registration.HOLDS_SEAT`` (pending, confirmed, checked in) count against the edition's
capacity and the unit's quota. Every path that takes a seat locks the ``Edition`` row first and
then the ``EditionParticipant`` row (``SELECT … FOR UPDATE``) before counting, so two delegates
racing for the last seat are served one after the other and the second is told it is full.
Lock order is always edition → participant → registration, so the paths cannot deadlock.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from conference import dates, seat_counts
from conference.models import (
    AuditEntry,
    Edition,
    EditionParticipant,
    ProgrammePart,
    Registration,
)
from conference.models.registrations import CONSENT_VERSION, normalize_badge_code, normalize_email
from conference.notifications.registrations import queue_registration_email
from conference.permissions import can
from conference.phones import normalize_phone
from conference.services.audit import audit_record
from conference.services.privacy import personal_data_redact

Status = Registration.Status

# Fields a delegate fills in on the public form, and those they may change afterwards (not the
# edition, the unit or the kind of organisation: those decide which quota the seat counts against,
# nor the email, which identifies the registration).
REGISTRATION_FIELDS = (
    "unit",
    "full_name",
    "salutation",
    "position",
    "organisation_kind",
    "organisation_name",
    "email",
    "phone",
    "accommodation_needs",
    "dietary_needs",
    "language",
)
EDITABLE_FIELDS = (
    "full_name",
    "salutation",
    "position",
    "organisation_name",
    "phone",
    "accommodation_needs",
    "dietary_needs",
    "language",
)

# The audit actions of registration (registered by conference/apps.py): one per state reached
# (``registration.<status>``), and the changes that are not transitions.
AUDIT_ACTIONS = {
    "registration.create": pgettext_lazy("audit action", "registered"),
    "registration.update": pgettext_lazy("audit action", "details changed"),
    "registration.pending": pgettext_lazy("audit action", "moved from the waiting list"),
    "registration.confirmed": pgettext_lazy("audit action", "confirmed"),
    "registration.declined": pgettext_lazy("audit action", "declined"),
    "registration.cancelled": pgettext_lazy("audit action", "cancelled"),
    "registration.checked_in": pgettext_lazy("audit action", "checked in"),
    "registration.erase": pgettext_lazy("audit action", "erased with its personal data"),
    "registration.decision_reversed": pgettext_lazy("audit action", "decision reversed"),
    "registration.correct": pgettext_lazy("audit action", "corrected by the organizers"),
    "registration.verified": pgettext_lazy("audit action", "email address confirmed"),
    "registration.check_in_undone": pgettext_lazy("audit action", "check-in undone"),
    "registration.staff_entry": pgettext_lazy("audit action", "entered by staff"),
}
DECISION_REVERSED = "registration.decision_reversed"
CORRECTED = "registration.correct"
CHECK_IN_UNDONE = "registration.check_in_undone"
STAFF_ENTERED = "registration.staff_entry"

# How long a registration may wait for its email address to be confirmed before it is erased.
VERIFY_HOURS = settings.REGISTRATION_VERIFY_HOURS


# ---------------------------------------------------------------------------------------------
# Dates: the registration window and the change deadline
# ---------------------------------------------------------------------------------------------


def registration_window_message(edition: Edition, now: datetime.datetime | None = None) -> str:
    """Empty while registration is open; otherwise the sentence a visitor reads."""
    now = now or timezone.now()
    if edition.registration_is_open(now):
        return ""
    held_on = edition.end_date or edition.date
    if held_on is not None and held_on < timezone.localdate(now):
        return gettext("This edition took place on %(date)s; registration is closed.") % {
            "date": dates.short_date(held_on)
        }
    if edition.registration_opens_at is None:
        return gettext("Registration for this edition has not been scheduled yet.")
    if now < edition.registration_opens_at:
        return gettext("Registration opens on %(when)s.") % {
            "when": dates.date_at_time(edition.registration_opens_at)
        }
    return gettext("Registration was open until %(when)s.") % {
        "when": dates.deadline_text(edition.registration_closes_at)
    }


def decline_reason(registration: Registration) -> str:
    """The reason given when the registration was declined ("" if none, or not declined): kept
    on the audit entry of the transition. One query."""
    if registration.status != Status.DECLINED:
        return ""
    reason = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=str(registration.pk),
            action__in=[f"registration.{Status.DECLINED}", DECISION_REVERSED],
            to_state=Status.DECLINED,
        )
        .order_by("-created_at", "-id")
        .values_list("reason", flat=True)
        .first()
    )
    return reason or ""


# ---------------------------------------------------------------------------------------------
# Audit, notifications and the one state-change function
# ---------------------------------------------------------------------------------------------


def _audit(registration: Registration, *, action: str, actor, **kwargs) -> AuditEntry:
    """An audit entry about ``registration``: ``actor`` None is the delegate (their link)."""
    return audit_record(
        subject=registration, action=action, actor=actor or AuditEntry.DELEGATE, **kwargs
    )


def _manage_link_key(now: datetime.datetime) -> str:
    """The event key part of a manage-link email: the hour, so that an address gets at most one
    such email an hour however often the form is sent (nobody can flood an inbox with them)."""
    return "hour:" + now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H")


def _notify(
    registration: Registration, kind: str, *, reason: str = "", key: str = "", once: bool = False
) -> None:
    """Queue one email to the delegate, in the language they registered in; none to a delegate
    entered by staff without an address of their own."""
    if not registration.email:
        return
    queue_registration_email(registration, kind, reason=reason, key=key, once=once)


def _registration_set_status(
    registration: Registration,
    to: str,
    *,
    actor=None,
    reason: str = "",
    now: datetime.datetime | None = None,
    action: str = "",
) -> Registration:
    """The one place where a registration's state changes (pretalx's ``set_submission_state``).

    The caller holds the row lock. Refuses transitions outside ``Registration.TRANSITIONS``.
    ``action``: the audit action, when not ``registration.<new state>``.
    """
    now = now or timezone.now()
    from_state = registration.status
    if not registration.can_become(to):
        raise ValidationError(
            gettext("A registration that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_state).label, "to": Status(to).label},
            code="invalid_transition",
        )
    registration.status = to
    fields = ["status", "updated_at"]
    if to == Status.CHECKED_IN:
        registration.checked_in_at = now
        fields.append("checked_in_at")
    if to == Status.WAITLISTED and registration.waitlisted_at is None:
        registration.waitlisted_at = now
        fields.append("waitlisted_at")
    registration.save(update_fields=fields)
    _audit(
        registration,
        action=action or f"registration.{to}",
        actor=actor,
        from_state=from_state,
        to_state=to,
        reason=reason,
    )
    return registration


# ---------------------------------------------------------------------------------------------
# Seats
# ---------------------------------------------------------------------------------------------


class Full(ValidationError):
    """The edition's capacity or the unit's quota is taken; the registrant may join the waiting
    list. ``code`` is ``"capacity_full"`` or ``"quota_full"``."""


def _lock_edition(edition: Edition, *, lock: bool = True) -> Edition:
    queryset = Edition.objects.select_for_update() if lock else Edition.objects
    return queryset.get(pk=edition.pk)


def _lock_participant(edition: Edition, unit, *, lock: bool = True) -> EditionParticipant | None:
    if unit is None:
        return None
    queryset = (
        EditionParticipant.objects.select_for_update() if lock else EditionParticipant.objects
    )
    return queryset.filter(edition=edition, unit=unit).first()


def _seat_problem(edition: Edition, participant: EditionParticipant | None) -> str:
    """ "" when a seat is free for a delegate of ``participant``'s unit, else the reason's code.
    The caller holds the edition (and participant) locks."""
    with_quota = participant is not None and participant.quota is not None
    if edition.capacity is None and not with_quota:
        return ""
    # Both counts in one query, read from the index (edition, unit, status) alone: COUNT(*) and
    # COUNT(unit_id), not COUNT(id), which would visit the table for every row.
    counts = {"taken": models.Count("*")}
    if with_quota:
        counts["of_unit"] = models.Count("unit_id", filter=models.Q(unit_id=participant.unit_id))
    counts = Registration.objects.for_edition(edition).holding_seats().aggregate(**counts)
    if edition.capacity is not None and counts["taken"] >= edition.capacity:
        return "capacity_full"
    if with_quota and counts["of_unit"] >= participant.quota:
        return "quota_full"
    return ""


def _full_error(code: str, participant: EditionParticipant | None) -> Full:
    if code == "quota_full":
        message = gettext(
            "The delegation of %(unit)s is full (%(quota)s seats). You may join the waiting "
            "list: you will be told as soon as a seat frees up."
        ) % {"unit": participant.unit.name, "quota": participant.quota}
    else:
        message = gettext(
            "All seats of this edition are taken. You may join the waiting list: you will be "
            "told as soon as a seat frees up."
        )
    return Full(message, code=code)


def seats_summary(edition: Edition) -> dict[str, int | None]:
    """Seats taken and left for the edition (no lock: for display), and the edition's
    registrations in any state (``registered``): from the edition's counts by province and state
    (one grouped query, or none while nothing changed: ``conference.seat_counts``)."""
    counts = seat_counts.edition_counts(edition.pk)
    taken = seat_counts.total(counts, Registration.HOLDS_SEAT)
    left = None if edition.capacity is None else max(edition.capacity - taken, 0)
    return {
        "capacity": edition.capacity,
        "taken": taken,
        "left": left,
        "registered": seat_counts.total(counts),
    }


def seats_availability(edition: Edition) -> str:
    """What the public form says about seats, without numbers: "" (no capacity), "available",
    "few" or "full". Exact numbers would tell a visitor whether the address they just sent was
    new (the count moves) or already registered (it does not); organizers see the numbers."""
    return _availability(seats_summary(edition)["left"], edition.capacity)


FEW_SEATS = 5


def _availability(left: int | None, limit: int | None) -> str:
    if left is None or limit is None:
        return ""
    if left <= 0:
        return "full"
    if left <= max(FEW_SEATS, limit // 10):
        return "few"
    return "available"


def seats_availability_by_unit(
    edition: Edition, quotas: dict[int, int | None] | None = None
) -> dict[int | None, str]:
    """What the public form says about seats for each choice of province (``None``: no
    province), in the words of :func:`seats_availability` ("", "available", "few", "full"):
    the tighter of the edition's capacity and the province's quota. From the edition's counts
    (``conference.seat_counts``: no query while they did not change) and ``quotas``
    (:func:`edition_quotas`, one query when not given), no lock."""
    if quotas is None:
        quotas = edition_quotas(edition)
    counts = seat_counts.edition_counts(edition.pk)
    taken = seat_counts.total(counts, Registration.HOLDS_SEAT)
    capacity = edition.capacity
    edition_word = _availability(None if capacity is None else max(capacity - taken, 0), capacity)
    result: dict[int | None, str] = {None: edition_word}
    for unit_id, quota in quotas.items():
        used = seat_counts.total(counts, Registration.HOLDS_SEAT, units={unit_id})
        unit_word = _availability(None if quota is None else max(quota - used, 0), quota)
        words = [word for word in (edition_word, unit_word) if word]
        result[unit_id] = max(words, key=AVAILABILITY_ORDER.index, default="")
    return result


def edition_quotas(edition: Edition) -> dict[int, int | None]:
    """The quota of each province taking part in ``edition`` (None: no quota), by unit id."""
    return dict(
        EditionParticipant.objects.filter(edition=edition)
        .order_by()
        .values_list("unit_id", "quota")
    )


AVAILABILITY_ORDER = ["", "available", "few", "full"]


def edition_warnings(edition: Edition) -> list[str]:
    """What looks wrong in an edition's settings without being impossible (the admin shows these
    after saving): registration closing after the event, a capacity or a quota below the seats
    already taken (nobody loses a seat, but nobody new gets one)."""
    warnings = []
    starts = edition.starts_at()
    closes = edition.registration_closes_at
    if starts is not None and closes is not None and closes > starts:
        warnings.append(
            gettext("Registration closes on %(closes)s, after the conference starts (%(starts)s).")
            % {
                "closes": dates.date_at_time(edition.registration_closes_at),
                "starts": dates.short_date(edition.date),
            }
        )
    taken = seats_summary(edition)["taken"]
    if edition.capacity is not None and edition.capacity < taken:
        warnings.append(
            gettext(
                "The capacity (%(capacity)s) is below the seats already taken (%(taken)s): "
                "nobody loses a seat, but nobody new gets one."
            )
            % {"capacity": edition.capacity, "taken": taken}
        )
    participants = (
        EditionParticipant.objects.filter(edition=edition, quota__isnull=False)
        .select_related("unit")
        .order_by("unit__sort_key")
        .with_seat_counts()
    )
    for participant in participants:
        if participant.quota < participant.used:
            warnings.append(
                gettext(
                    "The quota of %(unit)s (%(quota)s) is below the seats it already holds "
                    "(%(used)s)."
                )
                % {
                    "unit": participant.unit.name,
                    "quota": participant.quota,
                    "used": participant.used,
                }
            )
    return warnings


# ---------------------------------------------------------------------------------------------
# The delegate
# ---------------------------------------------------------------------------------------------


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {key: data[key] for key in REGISTRATION_FIELDS if key in data}
    if "email" in cleaned:
        cleaned["email"] = normalize_email(cleaned["email"])
    if cleaned.get("phone"):
        try:
            cleaned["phone"] = normalize_phone(cleaned["phone"])
        except ValidationError as error:
            raise ValidationError({"phone": error}) from error
    for key in ("full_name", "position", "organisation_name"):
        if key in cleaned:
            cleaned[key] = " ".join(str(cleaned[key]).split())
    return cleaned


def _check_parts(edition: Edition, parts: Iterable[ProgrammePart]) -> list[ProgrammePart]:
    parts = list(parts)
    if any(part.edition_id != edition.pk for part in parts):
        raise ValidationError({"parts": gettext("Choose parts of this edition's programme.")})
    if parts:
        return parts  # parts of the edition, chosen: the edition's programme need not be read
    available = list(edition.programme_parts.all())
    if len(available) == 1:
        return available
    if len(available) > 1 and not parts:
        raise ValidationError(
            {"parts": gettext("Choose at least one part of the programme you will attend.")},
            code="required",
        )
    return parts


def _check_unit(
    edition: Edition,
    cleaned: dict[str, Any],
    *,
    lock: bool = True,
    quotas: dict[int, int | None] | None = None,
) -> EditionParticipant | None:
    """The participation (locked) of the unit a delegate names; ValidationError when a unit is
    named by a kind that has none, is missing for a kind that needs one, or does not take part.
    Unlocked, from ``quotas`` (:func:`edition_quotas`) when the caller read them already."""
    unit = cleaned.get("unit")
    if unit is not None and cleaned.get("organisation_kind") not in Registration.KINDS_WITH_UNIT:
        raise ValidationError(
            {
                "unit": gettext(
                    "Only delegates of a provincial Department of Industry and Trade or another "
                    "provincial agency choose a province; leave it empty."
                )
            },
            code="unit_not_allowed",
        )
    if quotas is not None and not lock:
        participant = (
            EditionParticipant(edition=edition, unit=unit, quota=quotas[unit.pk])
            if unit is not None and unit.pk in quotas
            else None
        )
    else:
        participant = _lock_participant(edition, unit, lock=lock)
    if unit is not None and participant is None:
        raise ValidationError(
            {"unit": gettext("%(unit)s does not take part in this edition.") % {"unit": unit}}
        )
    if unit is None and cleaned.get("organisation_kind") in Registration.KINDS_WITH_UNIT:
        raise ValidationError(
            {"unit": gettext("Choose the province or city of your department or agency.")},
            code="unit_required",
        )
    return participant


def delegate_register(
    *,
    edition: Edition,
    data: dict[str, Any],
    parts: Iterable[ProgrammePart] = (),
    consent: bool,
    join_waitlist: bool = False,
    now: datetime.datetime | None = None,
    quotas: dict[int, int | None] | None = None,
) -> tuple[Registration, bool]:
    """Register a delegate; returns ``(registration, created)``. ``quotas``: the edition's
    (:func:`edition_quotas`), when the caller has them (the public form keeps them in the cache).

    - Outside the registration window: ``ValidationError`` (code ``registration_closed``).
    - Full: :class:`Full` unless ``join_waitlist``, then the registration is waitlisted.
    - An active registration with the same email (any case): nothing is created, the existing
      registration's manage link is emailed to that address and ``(existing, False)`` returned;
      the caller shows the same page as for a new registration, so a stranger learns nothing.

    Nothing is locked: no seat is taken here (it is taken when the address is confirmed, under
    the locks of :func:`registration_verify_email`), so the "full" answer is advice, and the
    duplicate address is answered by the unique index on ``Lower(email)``, edition. Concurrent
    registrations therefore never wait for each other.
    """
    now = now or timezone.now()
    if not consent:
        raise ValidationError(
            {"consent": gettext("Your consent is needed to process your registration.")},
            code="consent_required",
        )
    closed = registration_window_message(edition, now)
    if closed:
        raise ValidationError(closed, code="registration_closed")
    cleaned = _clean_data(data)
    if not cleaned.get("email"):
        raise ValidationError({"email": gettext("This field is required.")}, code="required")
    participant = _check_unit(edition, cleaned, lock=False, quotas=quotas)
    registration = Registration(
        edition=edition, consent_given_at=now, consent_version=CONSENT_VERSION, **cleaned
    )
    # The unit exists (its participation was just read) and the badge code is random: their
    # lookups would be two more queries; the database's constraints still guard both.
    registration.full_clean(
        exclude=["edition", "unit"], validate_unique=False, validate_constraints=False
    )
    chosen_parts = _check_parts(edition, parts)

    problem = _seat_problem(edition, participant)
    if problem and not join_waitlist:
        raise _full_error(problem, participant)

    # No seat yet, full or not: the seat (or the place on the waiting list) is taken when the
    # address is confirmed through the emailed link (registration_verify_email). The checks
    # above only read (advice, without locks); the writes are one transaction.
    registration.status = Status.UNVERIFIED
    try:
        with transaction.atomic():
            registration.save(force_insert=True)
            registration.parts.add(*chosen_parts)
            _audit(
                registration,
                action="registration.create",
                actor=None,
                to_state=registration.status,
                data={"consent_version": CONSENT_VERSION, "full": problem},
            )
            _notify(registration, "registration_verify")
    except IntegrityError:
        # The address is already registered and active (the partial unique index said so).
        with transaction.atomic():
            existing = _active_with_email(edition, registration.email)
            if existing is None:
                raise
            _notify(existing, "registration_manage_link", key=_manage_link_key(now))
        return existing, False
    return registration, True


def _active_with_email(edition: Edition, email: str) -> Registration | None:
    """The edition's active registration with this address, found through the unique index on
    ``(Lower(email), edition) WHERE status IN ACTIVE``."""
    return (
        Registration.objects.for_edition(edition)
        .filter(status__in=list(Registration.ACTIVE))
        .alias(email_lower=Lower("email"))
        .filter(email_lower=email.lower())
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Staff entry: an organizer or a province's liaison registers delegates on their behalf
# ---------------------------------------------------------------------------------------------


def _staff_may_enter(actor, edition: Edition, unit, now: datetime.datetime) -> None:
    """Organizers enter anyone until the edition is over; a liaison only their own province's
    delegates, while registration is open (the deadline of their province's delegates)."""
    if unit is None and not can(actor, "edition.manage"):
        raise ValidationError(
            {
                "unit": gettext(
                    "Only the organizers may enter delegates who do not belong to a province's "
                    "delegation."
                )
            },
            code="not_your_province",
        )
    if unit is not None and not can(actor, "delegation.manage", unit):
        raise ValidationError(
            {"unit": gettext("You may enter only the delegates of your own province or city.")},
            code="not_your_province",
        )
    held_on = edition.end_date or edition.date
    if held_on is not None and held_on < timezone.localdate(now):
        raise ValidationError(
            gettext("This edition took place on %(date)s; registration is closed.")
            % {"date": dates.short_date(held_on)},
            code="registration_closed",
        )
    if not can(actor, "edition.manage"):
        closed = registration_window_message(edition, now)
        if closed:
            raise ValidationError(closed, code="registration_closed")


@transaction.atomic
def registration_create_by_staff(
    *,
    edition: Edition,
    actor,
    data: dict[str, Any],
    parts: Iterable[ProgrammePart] = (),
    join_waitlist: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """An organizer (any province, or none) or a province's liaison (their own province only)
    registers a delegate on their behalf: the staff member vouches for the delegate and says
    they agreed to the processing of their data (Decree 13/2023/NĐ-CP).

    - No rate limit and no email verification; the email may be empty (a delegate without an
      address of their own: no email is ever sent to them, the liaison and the organizers act
      for them). A given address must not have another active registration for the edition.
    - The quota and the capacity apply as on the public form: when no seat is free, the
      delegate goes on the waiting list if ``join_waitlist``, else :class:`Full` is raised.
    - With a seat, the registration is confirmed at once by ``actor`` (the liaison's or the
      organizers' confirmation, which is theirs to give); on the waiting list, it will need the
      usual confirmation once promoted.
    - Audit: "entered by staff" with ``actor``, then "confirmed" by ``actor``. The delegate with
      an address gets the "confirmed" (or "waiting list") email with their manage link.

    Liaisons may enter while registration is open; organizers until the edition is over.
    """
    now = now or timezone.now()
    edition = _lock_edition(edition)
    cleaned = _clean_data(data)
    _staff_may_enter(actor, edition, cleaned.get("unit"), now)
    participant = _check_unit(edition, cleaned)
    registration = Registration(
        edition=edition, consent_given_at=now, consent_version=CONSENT_VERSION, **cleaned
    )
    registration.full_clean(exclude=["edition"], validate_constraints=False)
    chosen_parts = _check_parts(edition, parts)
    if registration.email and _active_with_email(edition, registration.email) is not None:
        raise ValidationError(
            {
                "email": gettext(
                    "This email address already has an active registration for this edition."
                )
            },
            code="email_taken",
        )
    problem = _seat_problem(edition, participant)
    if problem and not join_waitlist:
        raise _staff_full_error(problem, participant)
    if problem:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now
    else:
        registration.status = Status.PENDING
    registration.save()
    registration.parts.set(chosen_parts)
    _audit(
        registration,
        action=STAFF_ENTERED,
        actor=actor,
        to_state=registration.status,
        data={
            "consent_version": CONSENT_VERSION,
            "full": problem,
            "email": bool(registration.email),
        },
    )
    if problem:
        _notify(registration, "registration_waitlisted")
        return registration
    _registration_set_status(registration, Status.CONFIRMED, actor=actor, now=now)
    _notify(registration, "registration_confirmed")
    return registration


def _staff_full_error(code: str, participant: EditionParticipant | None) -> Full:
    if code == "quota_full":
        message = gettext(
            "The delegation of %(unit)s is full (%(quota)s seats): the delegate can only go on "
            "the waiting list."
        ) % {"unit": participant.unit.name, "quota": participant.quota}
    else:
        message = gettext(
            "All seats of this edition are taken: the delegate can only go on the waiting list."
        )
    return Full(message, code=code)


class ImportRow:
    """One row of a delegation file, read by the form: its number in the file (the header is
    row 1), the delegate's data and parts, or the problems found reading it."""

    def __init__(self, number: int, data: dict[str, Any] | None = None, parts=(), problems=()):
        self.number = number
        self.data = data or {}
        self.parts = list(parts)
        self.problems: list[tuple[str, str]] = list(problems)  # (field, message)


class ImportReport:
    """What an import did or would do: per row, the registration entered (its status) or the
    problems (field, message); ``written`` when the rows were saved."""

    def __init__(self):
        self.entered: list[tuple[int, Registration]] = []
        self.problems: list[tuple[int, str, str]] = []
        self.written = False

    @property
    def waitlisted(self) -> int:
        return sum(1 for _n, r in self.entered if r.status == Status.WAITLISTED)

    @property
    def confirmed(self) -> int:
        return sum(1 for _n, r in self.entered if r.status == Status.CONFIRMED)


def registrations_import_by_staff(
    *,
    edition: Edition,
    actor,
    rows: Iterable[ImportRow],
    join_waitlist: bool = False,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> ImportReport:
    """A whole delegation from a file, all or nothing: every row goes through
    :func:`registration_create_by_staff` (the same rules as one delegate: permissions, quota,
    duplicates) in one transaction; if any row has a problem, nothing is written and the report
    lists every problem by row and field. ``dry_run`` does the same and always rolls back (the
    preview: the outcome of each row as it would be). Rows over the quota go on the waiting list
    with ``join_waitlist``, else they are problems."""
    now = now or timezone.now()
    report = ImportReport()
    with transaction.atomic():
        for row in rows:
            for field, message in row.problems:
                report.problems.append((row.number, field, message))
            if row.problems:
                continue
            try:
                # Its own savepoint (the service is atomic): a refused row leaves nothing behind.
                registration = registration_create_by_staff(
                    edition=edition,
                    actor=actor,
                    data=row.data,
                    parts=row.parts,
                    join_waitlist=join_waitlist,
                    now=now,
                )
            except ValidationError as error:
                for field, messages in _error_items(error):
                    for message in messages:
                        report.problems.append((row.number, field, message))
            else:
                report.entered.append((row.number, registration))
        if report.problems or dry_run or not report.entered:
            transaction.set_rollback(True)
        else:
            report.written = True
    return report


def _error_items(error: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return [
            (field, ValidationError(errors).messages) for field, errors in error.error_dict.items()
        ]
    return [("", error.messages)]


@transaction.atomic
def registration_verify_email(
    *, registration: Registration, now: datetime.datetime | None = None, lock_rows: bool = True
) -> Registration:
    """The delegate confirmed their address through the emailed link: the registration takes a
    seat (pending) if one is free, else a place on the waiting list, and says so by email. Does
    nothing to a registration already confirmed (a second click). Locks edition → participant →
    registration like every path that takes a seat, so two confirmations never share one.
    ``lock_rows=False`` exists only for the race test."""
    now = now or timezone.now()
    edition = _lock_edition(registration.edition, lock=lock_rows)
    participant = _lock_participant(edition, registration.unit, lock=lock_rows)
    rows = Registration.objects.select_for_update() if lock_rows else Registration.objects
    given, registration = registration, rows.get(pk=registration.pk)
    if registration.status != Status.UNVERIFIED:
        return registration
    # The email below names the edition and the unit: the edition row was just read (locked),
    # the unit came with the registration given; neither is read again.
    registration.edition = edition
    if registration.unit_id == given.unit_id and Registration.unit.is_cached(given):
        registration.unit = given.unit
    problem = _seat_problem(edition, participant)
    _registration_set_status(
        registration,
        Status.WAITLISTED if problem else Status.PENDING,
        now=now,
        action="registration.verified",
    )
    _notify(registration, "registration_waitlisted" if problem else "registration_received")
    return registration


@transaction.atomic
def registrations_expire_unverified(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: erase the registrations whose address was not confirmed within
    ``VERIFY_HOURS`` (they never held a seat). Returns how many."""
    now = now or timezone.now()
    stale = Registration.objects.filter(
        status=Status.UNVERIFIED, created_at__lt=now - datetime.timedelta(hours=VERIFY_HOURS)
    ).select_related("edition")
    count = 0
    for registration in stale.select_for_update(of=("self",)).iterator(chunk_size=500):
        _erase(
            registration,
            actor=AuditEntry.VERIFICATION_JOB,
            reason=gettext("The email address was not confirmed within %(hours)s hours.")
            % {"hours": VERIFY_HOURS},
        )
        count += 1
    return count


def registration_can_edit(
    registration: Registration, now: datetime.datetime | None = None, *, actor=None
) -> bool:
    """Whether the registration's details may be changed now: in an editable state
    (``Registration.EDITABLE_STATES``) and, for the delegate (``actor=None``), before the
    edition's change deadline. The manage page asks this to show its "change" button."""
    if registration.status not in Registration.EDITABLE_STATES:
        return False
    return actor is not None or registration.edition.changes_allowed(now)


def registration_check_update(
    *,
    registration: Registration,
    data: dict[str, Any],
    actor=None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """The checks of :func:`registration_update`, without saving: raises ``ValidationError``, else
    returns the cleaned values of ``EDITABLE_FIELDS``. The admin's form calls it in ``clean`` so
    that a refusal shows as a form error."""
    if actor is None and not registration.edition.changes_allowed(now):
        raise ValidationError(
            gettext("Changes were possible until %(when)s. Please contact the organizers.")
            % {"when": dates.deadline_text(registration.edition.changes_deadline())},
            code="changes_closed",
        )
    if registration.status not in Registration.EDITABLE_STATES:
        raise ValidationError(
            gettext("A registration that is “%(status)s” can no longer be changed.")
            % {"status": registration.get_status_display()},
            code="not_editable",
        )
    return _clean_data({key: data[key] for key in EDITABLE_FIELDS if key in data})


def _save_changes(registration: Registration, edition: Edition, changed: list, parts) -> bool:
    """Save the ``changed`` fields (and the programme parts when they differ; "parts" is added
    to ``changed``); a new address gets a new link version. False when nothing changed."""
    chosen = None
    if parts is not None:
        chosen = _check_parts(edition, parts)
        if {part.pk for part in chosen} != set(registration.parts.values_list("pk", flat=True)):
            changed.append("parts")
    if not changed:
        return False
    saved = [c for c in changed if c != "parts"]
    if "email" in changed:
        registration.link_version += 1
        saved.append("link_version")
    registration.save(update_fields=[*saved, "updated_at"])
    if chosen is not None:
        registration.parts.set(chosen)
    return True


@transaction.atomic
def registration_update(
    *,
    registration: Registration,
    data: dict[str, Any],
    parts: Iterable[ProgrammePart] | None = None,
    actor=None,
    now: datetime.datetime | None = None,
) -> Registration:
    """The delegate (``actor=None``) changes their details until the edition's change deadline;
    an organizer (an ``actor``) may change them any time. Only ``EDITABLE_FIELDS``."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    cleaned = registration_check_update(registration=registration, data=data, actor=actor, now=now)
    changed = [key for key, value in cleaned.items() if getattr(registration, key) != value]
    for key in changed:
        setattr(registration, key, cleaned[key])
    registration.full_clean(validate_constraints=False)
    if not _save_changes(registration, registration.edition, changed, parts):
        return registration
    _audit(registration, action="registration.update", actor=actor, data={"fields": changed})
    return registration


# What only an organizer may correct (the delegate cannot: they decide which quota the seat
# counts against, or identify the registration), on top of ``EDITABLE_FIELDS``.
CORRECTABLE_FIELDS = ("email", "unit", "organisation_kind")


@transaction.atomic
def registration_correct(
    *,
    registration: Registration,
    actor,
    data: dict[str, Any],
    parts: Iterable[ProgrammePart] | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """An organizer corrects a registration: its email, province, kind of organisation, parts of
    the programme, and any detail the delegate could change.

    - A seat moved to another province is checked against that province's quota under the same
      locks as a registration (the edition's capacity does not change); the seat freed in the
      old province goes to its waiting list.
    - A new email must not have another active registration for the edition; a new manage
      link is sent to the new address, and the links sent to the old one stop working (they
      show that they were replaced): the address is corrected because it was not the
      delegate's, so whoever received those emails must not keep access to the registration.
    - One audit entry names the changed fields (not their values: the audit log outlives the
      personal data).
    """
    now = now or timezone.now()
    edition = _lock_edition(registration.edition)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in Registration.EDITABLE_STATES:
        raise ValidationError(
            gettext("A registration that is “%(status)s” can no longer be changed.")
            % {"status": registration.get_status_display()},
            code="not_editable",
        )
    cleaned = _clean_data(
        {key: data[key] for key in (*EDITABLE_FIELDS, *CORRECTABLE_FIELDS) if key in data}
    )
    kind = cleaned.get("organisation_kind", registration.organisation_kind)
    unit = cleaned.get("unit", registration.unit)
    if kind not in Registration.KINDS_WITH_UNIT:
        unit = cleaned["unit"] = None
    elif unit is None:
        raise ValidationError(
            {"unit": gettext("Choose the province or city of your department or agency.")},
            code="unit_required",
        )
    participant = _lock_participant(edition, unit)
    if unit is not None and participant is None:
        raise ValidationError(
            {"unit": gettext("%(unit)s does not take part in this edition.") % {"unit": unit}}
        )
    changed = [key for key, value in cleaned.items() if getattr(registration, key) != value]
    old_unit_id = registration.unit_id
    unit_changed = "unit" in changed
    if (
        unit_changed
        and registration.holds_seat
        and participant is not None
        and participant.quota is not None
    ):
        taken = Registration.objects.for_edition(edition).holding_seats().for_unit(unit)
        if taken.count() >= participant.quota:
            raise ValidationError(
                {
                    "unit": gettext(
                        "The delegation of %(unit)s is full (%(quota)s seats): raise its "
                        "quota first, or keep the delegate in their province."
                    )
                    % {"unit": unit.name, "quota": participant.quota}
                },
                code="quota_full",
            )
    if "email" in changed and cleaned["email"]:
        taken = (
            Registration.objects.for_edition(edition)
            .active()
            .filter(email=cleaned["email"])
            .exclude(pk=registration.pk)
        )
        if taken.exists():
            raise ValidationError(
                {
                    "email": gettext(
                        "This email address already has an active registration for this edition."
                    )
                },
                code="email_taken",
            )
    for key in changed:
        setattr(registration, key, cleaned[key])
    registration.full_clean(validate_constraints=False)
    if not _save_changes(registration, edition, changed, parts):
        return registration
    _audit(
        registration,
        action=CORRECTED,
        actor=actor,
        data={"fields": changed},
    )
    if "email" in changed:
        # Keyed by the link's version: sent even if a link went out within the hour.
        _notify(registration, "registration_manage_link", key=f"link:{registration.link_version}")
    if unit_changed and registration.holds_seat and old_unit_id is not None:
        registration_promote_next(edition=edition, actor=actor)
    return registration


# ---------------------------------------------------------------------------------------------
# State changes
# ---------------------------------------------------------------------------------------------


def _decision_round(registration: Registration) -> str:
    """The event-key part that tells a decision made again after a reversal from the first one
    ("" before any reversal, so the first decision's key is unchanged): without it the outbox
    would take the second "confirmed" email for a duplicate of the first and drop it."""
    reversals = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
        action=DECISION_REVERSED,
    ).count()
    return f"round:{reversals}" if reversals else ""


@transaction.atomic
def registration_confirm(*, registration: Registration, actor, reason: str = "") -> Registration:
    """Pending → confirmed, by the unit's liaison or an organizer. The seat was already held."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _registration_set_status(registration, Status.CONFIRMED, actor=actor, reason=reason)
    _notify(registration, "registration_confirmed", key=_decision_round(registration))
    return registration


@transaction.atomic
def registration_decline(*, registration: Registration, actor, reason: str = "") -> Registration:
    """Pending → declined; the seat goes to the next one on the waiting list."""
    _lock_edition(registration.edition)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _registration_set_status(registration, Status.DECLINED, actor=actor, reason=reason)
    _notify(registration, "registration_declined", reason=reason, key=_decision_round(registration))
    registration_promote_next(edition=registration.edition, actor=actor)
    return registration


# An organizer's reversal of a decision (not a step of the delegate's path, so not in
# ``Registration.TRANSITIONS``): a confirmation back to "awaiting confirmation" or to "declined",
# a decline back to "awaiting confirmation" (when a seat is free).
REVERSIBLE: dict[str, frozenset[str]] = {
    Status.CONFIRMED: frozenset({Status.PENDING, Status.DECLINED}),
    Status.DECLINED: frozenset({Status.PENDING}),
}


def reversals_allowed(registration: Registration) -> list[str]:
    """The states an organizer may move this registration back to now, in display order."""
    allowed = REVERSIBLE.get(registration.status, frozenset())
    return [state for state in (Status.PENDING, Status.DECLINED) if state in allowed]


@transaction.atomic
def registration_reverse_decision(
    *, registration: Registration, actor, to: str, reason: str
) -> Registration:
    """An organizer takes back a decision: confirmed → pending or declined, declined → pending.

    A reason is required (it is emailed to the delegate and kept in the audit log). Moving a
    declined registration back to pending takes a seat again, so the capacity and the quota are
    checked under the same locks as a registration; a confirmed one moved to declined frees its
    seat for the waiting list."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": gettext("Give the reason: it is sent to the delegate.")}, code="required"
        )
    edition = _lock_edition(registration.edition)
    participant = _lock_participant(edition, registration.unit)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    from_state = registration.status
    if to not in REVERSIBLE.get(from_state, frozenset()):
        raise ValidationError(
            gettext("A registration that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_state).label, "to": Status(to).label},
            code="invalid_transition",
        )
    if not registration.holds_seat:
        problem = _seat_problem(edition, participant)
        if problem:
            raise ValidationError(
                gettext(
                    "No seat is free for this delegate (%(why)s): raise the capacity or the "
                    "quota first."
                )
                % {
                    "why": gettext("the quota of the province is full")
                    if problem == "quota_full"
                    else gettext("the edition is full")
                },
                code=problem,
            )
    registration.status = to
    registration.save(update_fields=["status", "updated_at"])
    _audit(
        registration,
        action=DECISION_REVERSED,
        actor=actor,
        from_state=from_state,
        to_state=to,
        reason=reason,
    )
    if to == Status.DECLINED:
        _notify(
            registration,
            "registration_declined",
            reason=reason,
            key=_decision_round(registration),
        )
        registration_promote_next(edition=edition, actor=actor)
    else:
        _notify(
            registration,
            "registration_reopened",
            reason=reason,
            key=_decision_round(registration),
        )
    return registration


@transaction.atomic
def registration_cancel(
    *,
    registration: Registration,
    actor=None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Registration:
    """Pending, waitlisted or confirmed → cancelled, by the delegate (``actor=None``, until the
    last day of the edition) or an organizer. A freed seat is offered to the waiting list."""
    _lock_edition(registration.edition)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if actor is None and not registration.edition.cancel_allowed(now):
        raise ValidationError(
            gettext("The conference is over; the registration can no longer be cancelled."),
            code="cancel_closed",
        )
    held_seat = registration.holds_seat
    _registration_set_status(registration, Status.CANCELLED, actor=actor, reason=reason, now=now)
    _notify(registration, "registration_cancelled", reason=reason)
    if held_seat:
        registration_promote_next(edition=registration.edition, actor=actor)
    return registration


@transaction.atomic
def registration_promote_next(*, edition: Edition, actor=None) -> list[Registration]:
    """Move waiting registrations to pending, first come first served, as long as seats are
    free: a waiting delegate is skipped while their unit's quota is full (a seat freed in another
    unit does not belong to them) but keeps their place. Called after every cancellation and
    decline, and through conference.services.editions after a capacity or a quota changed.
    Returns those promoted."""
    edition = _lock_edition(edition)
    participants = {
        participant.unit_id: participant
        # of=("self",): lock the participants only, not the provincial units joined for names.
        for participant in EditionParticipant.objects.select_for_update(of=("self",))
        .filter(edition=edition)
        .select_related("unit")
    }
    promoted = []
    for waiting in Registration.objects.for_edition(edition).waitlist().select_for_update():
        problem = _seat_problem(edition, participants.get(waiting.unit_id))
        if problem == "capacity_full":
            break
        if problem:
            continue
        _registration_set_status(
            waiting, Status.PENDING, actor=actor, reason=gettext("A seat became free.")
        )
        _notify(waiting, "registration_promoted")
        promoted.append(waiting)
    return promoted


@transaction.atomic
def registration_check_in(
    *, badge_code: str, actor, edition=None, now: datetime.datetime | None = None
) -> tuple[Registration, bool]:
    """Check a delegate in by the code on their badge (typed, or from a scanner that types).

    Returns ``(registration, already)``: ``already`` is True on a second scan (the registration
    says when it was first checked in). Unknown, cancelled, declined, waitlisted and unconfirmed
    registrations are refused with a ``ValidationError`` saying so; with ``edition``, so is a badge
    of another edition (the desk of one edition).
    """
    code = normalize_badge_code(badge_code)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("edition", "unit")
        .filter(badge_code=code)
        .first()
    )
    if registration is None:
        raise ValidationError(
            gettext("No registration has the code %(code)s.") % {"code": code or "—"},
            code="unknown_code",
        )
    if edition is not None and registration.edition_id != edition.pk:
        raise ValidationError(
            gettext("This badge is for another edition: %(edition)s.")
            % {"edition": registration.edition},
            code="other_edition",
        )
    if registration.status == Status.CHECKED_IN:
        return registration, True
    if registration.status != Status.CONFIRMED:
        messages = {
            Status.UNVERIFIED: gettext("This delegate has not confirmed their email address."),
            Status.CANCELLED: gettext("This registration was cancelled."),
            Status.DECLINED: gettext("This registration was declined."),
            Status.WAITLISTED: gettext("This delegate is on the waiting list, without a seat."),
            Status.PENDING: gettext(
                "This registration has not been confirmed by the province or the organizers yet."
            ),
        }
        raise ValidationError(messages[registration.status], code=f"refused_{registration.status}")
    _registration_set_status(registration, Status.CHECKED_IN, actor=actor, now=now)
    return registration, False


@transaction.atomic
def registration_check_in_undo(
    *, registration: Registration, actor, reason: str = ""
) -> Registration:
    """Take back a check-in made by mistake (the wrong name picked at the desk, a badge scanned
    for a colleague): checked in → confirmed, the time of the check-in forgotten. Not a step of
    the delegate's path, so not in ``Registration.TRANSITIONS`` (like a reversed decision); the
    audit entry keeps who undid it, when the check-in had been made and the reason if given."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.CHECKED_IN:
        raise ValidationError(
            gettext("%(name)s is not checked in: there is nothing to undo.")
            % {"name": registration.full_name},
            code="not_checked_in",
        )
    checked_in_at = registration.checked_in_at
    registration.status = Status.CONFIRMED
    registration.checked_in_at = None
    registration.save(update_fields=["status", "checked_in_at", "updated_at"])
    _audit(
        registration,
        action=CHECK_IN_UNDONE,
        actor=actor,
        from_state=Status.CHECKED_IN,
        to_state=Status.CONFIRMED,
        reason=" ".join((reason or "").split()),
        data={"checked_in_at": checked_in_at.isoformat() if checked_in_at else None},
    )
    return registration


# ---------------------------------------------------------------------------------------------
# Bulk (the liaison's and the organizers' pages): each row goes through the single service
# ---------------------------------------------------------------------------------------------


def _bulk(service, registrations: Iterable[Registration], **kwargs) -> tuple[int, list[str]]:
    done, errors = 0, []
    for registration in registrations:
        try:
            service(registration=registration, **kwargs)
        except ValidationError as error:
            errors.append(f"{registration.full_name}: {' '.join(error.messages)}")
        else:
            done += 1
    return done, errors


def registrations_confirm(
    *, registrations: Iterable[Registration], actor, reason: str = ""
) -> tuple[int, list[str]]:
    """Confirm several; each in its own transaction. Returns (how many, messages of refusals)."""
    return _bulk(registration_confirm, registrations, actor=actor, reason=reason)


def registrations_decline(
    *, registrations: Iterable[Registration], actor, reason: str = ""
) -> tuple[int, list[str]]:
    return _bulk(registration_decline, registrations, actor=actor, reason=reason)


def registrations_cancel(
    *, registrations: Iterable[Registration], actor, reason: str = ""
) -> tuple[int, list[str]]:
    return _bulk(registration_cancel, registrations, actor=actor, reason=reason)


def _check_in_registration(*, registration: Registration, actor) -> Registration:
    return registration_check_in(badge_code=registration.badge_code, actor=actor)[0]


def registrations_check_in(
    *, registrations: Iterable[Registration], actor
) -> tuple[int, list[str]]:
    """Check in several (the admin's action, for a delegate let in without their badge)."""
    return _bulk(_check_in_registration, registrations, actor=actor)


def registrations_erase(
    *, registrations: Iterable[Registration], actor, reason: str = ""
) -> tuple[int, list[str]]:
    return _bulk(registration_erase, registrations, actor=actor, reason=reason)


# ---------------------------------------------------------------------------------------------
# The manage link
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def registration_send_manage_link(
    *, edition: Edition, email: str, now: datetime.datetime | None = None
) -> None:
    """Email the manage link of ``email``'s registration for ``edition`` (the active one, else
    the latest, so a cancelled registration's link shows that it was cancelled). Says nothing
    either way: the caller shows the same message whether or not the address is registered."""
    now = now or timezone.now()
    email = normalize_email(email)
    if not email:
        return
    registration = (
        Registration.objects.for_edition(edition).filter(email=email).order_by("-created_at", "-id")
    )
    found = registration.active().first() or registration.first()
    if found is not None:
        _notify(found, "registration_manage_link", key=_manage_link_key(now))


@transaction.atomic
def registrations_send_reminders(*, today: datetime.date | None = None) -> int:
    """The periodic job: remind the confirmed delegates of an edition held tomorrow. The event
    key names the registration only, so running the job twice (or daily) never sends a reminder
    twice. Returns how many were queued now."""
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    queued = 0
    registrations = (
        Registration.objects.filter(edition__date=tomorrow, status=Status.CONFIRMED)
        .select_related("edition", "unit")
        .order_by("id")
    )
    from conference.models import Notification

    for registration in registrations.iterator(chunk_size=500):
        key = f"registration_reminder:{registration.pk}"
        if Notification.objects.filter(event_key=key).exists():
            continue
        _notify(registration, "registration_reminder", once=True)
        queued += 1
    return queued


# ---------------------------------------------------------------------------------------------
# Personal data (Decree 13/2023/NĐ-CP): erasure on request, and one year after the edition
# ---------------------------------------------------------------------------------------------

RETENTION_DAYS = 365


def _erase(registration: Registration, *, actor, reason: str) -> None:
    """Delete the registration and the emails about it (their bodies hold the personal data).
    The audit log keeps that it happened, without the data."""
    from django.contrib.contenttypes.models import ContentType

    from conference.models import Notification

    Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
    ).delete()
    _audit(
        registration,
        action="registration.erase",
        actor=actor,
        from_state=registration.status,
        reason=reason,
        data={"edition": registration.edition.number},
    )
    personal_data_redact(
        full_name=registration.full_name,
        email=registration.email,
        phone=registration.phone,
        edition_id=registration.edition_id,
    )
    registration.delete()


@transaction.atomic
def registration_erase(*, registration: Registration, actor=None, reason: str = "") -> None:
    """Delete a registration and its personal data at the delegate's request (their link, no
    ``actor``) or an organizer's (``actor``, who must say why: the audit log keeps both). An
    active registration is cancelled first, without an email, so its seat goes to the waiting
    list."""
    reason = reason.strip()
    if actor is not None and not reason:
        raise ValidationError(
            gettext("Say why the registration is erased: the history keeps the reason."),
            code="reason_required",
        )
    edition = _lock_edition(registration.edition)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    held_seat = registration.holds_seat
    if registration.can_become(Status.CANCELLED):
        _registration_set_status(registration, Status.CANCELLED, actor=actor, reason=reason)
    _erase(registration, actor=actor, reason=reason or gettext("Erased at the delegate's request."))
    if held_seat:
        registration_promote_next(edition=edition, actor=actor)


@transaction.atomic
def registrations_purge(*, today: datetime.date | None = None) -> int:
    """The periodic job: erase the registrations of editions that ended more than
    ``RETENTION_DAYS`` ago, as the consent text promises. Returns how many."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=RETENTION_DAYS)
    old = Registration.objects.filter(
        models.Q(edition__end_date__lt=limit)
        | models.Q(edition__end_date__isnull=True, edition__date__lt=limit)
    ).select_related("edition")
    count = 0
    for registration in old.select_for_update(of=("self",)).iterator(chunk_size=500):
        _erase(
            registration, actor=AuditEntry.RETENTION_JOB, reason=gettext("Retention period ended.")
        )
        count += 1
    return count


NOT_REVEALING = _(
    "If this address is registered for this edition, we have sent the link to its registration "
    "to it. Please check your inbox (and the spam folder)."
)


def language_of(request_language: str | None) -> str:
    """The UI language at registration, as stored for emails ("vi" or "en")."""
    code = (request_language or translation.get_language() or "vi")[:2]
    return code if code in ("vi", "en") else "vi"
