"""Writes with rules about an edition: its seats, its stages and the host-flag handover.

Seats (the capacity and the units' quotas): whenever seats are added, the waiting list moves up at
once: :func:`edition_fill_free_seats` is what every path calls after a capacity or a quota changed
(the admin's forms, the organizers' list, the shell through :func:`edition_set_capacity` and
:func:`participant_set_quota`).

The stage (``Edition.lifecycle``) moves planned → registration open → proposals open → held →
closed, and only through :func:`_edition_set_lifecycle`; the public services below name each step.
The handover (:func:`edition_hand_over_flag`) is the one event that links two editions: it checks
every rule, creates the next edition (or checks the one that exists), records the handover, moves
the current flag, writes the audit entry and queues an email to every participating department.

Rules the database enforces itself (named constraints): one handover out of an edition and one
into an edition (one-to-one), two different editions, a documented handover names its source, one
current flag holder. The others need several rows and are checked here, each refused with a
translated message: the giving edition is held, the receiving edition's ordinal is the next one,
the date falls on the giving edition's dates, the receiver is the department of a unit valid on
that date.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from conference import dates
from conference.models import Edition, EditionParticipant, Handover, Registration
from conference.notifications.editions import queue_handover_emails
from conference.services.audit import audit_record
from conference.services.registrations import registration_promote_next
from provinces.models import Department

Lifecycle = Edition.Lifecycle

# Registered in conference/apps.py, with the core's other actions.
AUDIT_ACTIONS = {
    "edition.lifecycle": pgettext_lazy("audit action", "stage changed"),
    "edition.create": pgettext_lazy("audit action", "edition created"),
    "edition.hand_over_flag": pgettext_lazy("audit action", "host flag handed over"),
    "reorganisation.apply": pgettext_lazy("audit action", "reorganisation of provinces applied"),
}


def record_reorganisation(*, reorganisation, changes: list[str], actor, **kwargs) -> None:
    """Receiver of ``provinces.signals.reorganisation_applied`` (connected in
    conference/apps.py): the audit entry of a reorganisation applied from the admin or by
    ``manage.py apply_reorganisation``, inside its transaction, with the lines of what changed."""
    audit_record(
        subject=reorganisation,
        action="reorganisation.apply",
        actor=actor,
        data={"changes": [str(line) for line in changes]},
    )


# How long before the edition's first day registration closes when the organizer did not set it.
REGISTRATION_CLOSES_BEFORE = datetime.timedelta(days=7)


def _lock(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().get(pk=edition.pk)


def _check_transition(edition: Edition, to: str) -> None:
    current = edition.lifecycle
    if to not in Edition.LIFECYCLE_TRANSITIONS[current]:
        raise ValidationError(
            _("Edition %(ordinal)s is “%(current)s”: it cannot become “%(to)s”."),
            code="invalid_transition",
            params={
                "ordinal": edition.ordinal,
                "current": Lifecycle(current).label,
                "to": Lifecycle(to).label,
            },
        )


def _edition_set_lifecycle(edition: Edition, to: str, *, actor, reason: str = "") -> Edition:
    """The one function every stage change goes through: checks the transition, saves, audits."""
    current = edition.lifecycle
    _check_transition(edition, to)
    edition.lifecycle = to
    edition.full_clean()
    edition.save(update_fields=["lifecycle", "is_last_of_series"])
    audit_record(
        subject=edition,
        action="edition.lifecycle",
        actor=actor,
        reason=reason,
        from_state=current,
        to_state=to,
    )
    return edition


def _needs_date(edition: Edition) -> None:
    if edition.date is None:
        raise ValidationError(
            _("Set the date of edition %(ordinal)s first."),
            code="date_unknown",
            params={"ordinal": edition.ordinal},
        )


@transaction.atomic
def edition_open_registration(*, edition: Edition, actor) -> Edition:
    """Open registration. Its window comes from the edition's dates: from now (or the opening the
    organizer set) until 7 days before the first day (or the closing the organizer set)."""
    edition = _lock(edition)
    _check_transition(edition, Lifecycle.REGISTRATION_OPEN)
    _needs_date(edition)
    now = timezone.now()
    if edition.registration_opens_at is None:
        edition.registration_opens_at = now
    if edition.registration_closes_at is None:
        first_day = timezone.make_aware(datetime.datetime.combine(edition.date, datetime.time()))
        edition.registration_closes_at = first_day - REGISTRATION_CLOSES_BEFORE
    if edition.registration_closes_at <= max(now, edition.registration_opens_at):
        raise ValidationError(
            _(
                "Registration for edition %(ordinal)s would close before it opens: change its "
                "dates."
            ),
            code="window_past",
            params={"ordinal": edition.ordinal},
        )
    edition.full_clean()
    edition.save(update_fields=["registration_opens_at", "registration_closes_at"])
    return _edition_set_lifecycle(edition, Lifecycle.REGISTRATION_OPEN, actor=actor)


@transaction.atomic
def edition_open_proposals(*, edition: Edition, actor) -> Edition:
    """Open proposals (tham luận, kiến nghị): only before the edition is held."""
    edition = _lock(edition)
    _check_transition(edition, Lifecycle.PROPOSALS_OPEN)
    _needs_date(edition)
    if edition.date < timezone.localdate():
        raise ValidationError(
            _("Edition %(ordinal)s took place on %(date)s: it is too late for proposals."),
            code="too_late",
            params={"ordinal": edition.ordinal, "date": dates.short_date(edition.date)},
        )
    return _edition_set_lifecycle(edition, Lifecycle.PROPOSALS_OPEN, actor=actor)


@transaction.atomic
def edition_mark_held(*, edition: Edition, actor) -> Edition:
    """Mark the edition as held: from its first day."""
    edition = _lock(edition)
    _check_transition(edition, Lifecycle.HELD)
    _needs_date(edition)
    if edition.date > timezone.localdate():
        raise ValidationError(
            _("Edition %(ordinal)s starts on %(date)s: it cannot be held before then."),
            code="not_yet",
            params={"ordinal": edition.ordinal, "date": dates.short_date(edition.date)},
        )
    return _edition_set_lifecycle(edition, Lifecycle.HELD, actor=actor)


@transaction.atomic
def edition_close(*, edition: Edition, actor, last_of_series: bool = False) -> Edition:
    """Close a held edition: after its handover, or marked as the last of the series."""
    edition = _lock(edition)
    _check_transition(edition, Lifecycle.CLOSED)
    handed = Handover.objects.filter(from_edition=edition).exists()
    if not handed and not last_of_series:
        raise ValidationError(
            _(
                "Edition %(ordinal)s cannot close before the host flag is handed over, unless it "
                "is marked as the last of the series."
            ),
            code="handover_missing",
            params={"ordinal": edition.ordinal},
        )
    if handed and last_of_series:
        raise ValidationError(
            _("Edition %(ordinal)s handed the flag on: it is not the last of the series."),
            code="not_last",
            params={"ordinal": edition.ordinal},
        )
    edition.is_last_of_series = last_of_series
    return _edition_set_lifecycle(
        edition,
        Lifecycle.CLOSED,
        actor=actor,
        reason=gettext("The last edition of the series.") if last_of_series else "",
    )


def _unit_valid_on(unit, day: datetime.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_until is None or day <= unit.valid_until
    )


@transaction.atomic
def edition_hand_over_flag(
    *,
    at_edition: Edition,
    to_department: Department,
    date: datetime.date,
    actor,
    place: str = "",
    next_year: int | None = None,
    handed_by_name: str = "",
    handed_by_title: str = "",
    received_by_name: str = "",
    received_by_title: str = "",
    documented: bool = False,
    source: str = "",
    notes: str = "",
    photo=None,
) -> Handover:
    """At the close of ``at_edition``, hand the host flag of the next edition to
    ``to_department``. Creates the next edition (ordinal + 1, ``next_year`` or the next year, the
    department's unit as host) or checks the one that exists; the new handover becomes the
    current flag holder."""
    edition = _lock(at_edition)
    department = Department.objects.select_related("unit").get(pk=to_department.pk)
    if edition.lifecycle != Lifecycle.HELD:
        raise ValidationError(
            _(
                "The flag is handed over at the close of an edition: edition %(ordinal)s is "
                "“%(stage)s”, not held."
            ),
            code="not_held",
            params={"ordinal": edition.ordinal, "stage": Lifecycle(edition.lifecycle).label},
        )
    existing = Handover.objects.filter(from_edition=edition).select_related("to_edition").first()
    if existing is not None:
        raise ValidationError(
            _("Edition %(ordinal)s has already handed over the flag of edition %(next)s."),
            code="already_handed",
            params={"ordinal": edition.ordinal, "next": existing.to_edition.ordinal},
        )
    first, last = edition.date, edition.end_date or edition.date
    if first is None or not (first <= date <= last):
        raise ValidationError(
            _("The handover takes place at edition %(ordinal)s: on %(dates)s, not on %(date)s."),
            code="date_outside_edition",
            params={
                "ordinal": edition.ordinal,
                "dates": dates.short_date(first) if first else gettext("a date not yet known"),
                "date": dates.short_date(date),
            },
        )
    unit = department.unit
    if not _unit_valid_on(unit, date):
        raise ValidationError(
            _(
                "%(department)s did not exist on %(date)s: choose the department of a unit valid "
                "then."
            ),
            code="receiver_not_valid",
            params={"department": department.name, "date": dates.short_date(date)},
        )

    number = edition.number + 1
    to_edition = Edition.objects.select_for_update().filter(number=number).first()
    if to_edition is None:
        to_edition = Edition(
            number=number,
            year=next_year or edition.year + 1,
            host=unit,
            lifecycle=Lifecycle.PLANNED,
        )
        to_edition.full_clean()
        to_edition.save()
        audit_record(
            subject=to_edition, action="edition.create", actor=actor, to_state=Lifecycle.PLANNED
        )
    else:
        if to_edition.is_demo:
            raise ValidationError(
                _("Edition %(next)s is sample data: delete it before handing over its flag."),
                code="next_is_demo",
                params={"next": to_edition.ordinal},
            )
        if Handover.objects.filter(to_edition=to_edition).exists():
            raise ValidationError(
                _("The flag of edition %(next)s has already been handed over."),
                code="already_received",
                params={"next": to_edition.ordinal},
            )
        if to_edition.host_id not in (None, unit.pk):
            raise ValidationError(
                _("Edition %(next)s is already to be hosted by %(host)s, not %(unit)s."),
                code="other_host",
                params={"next": to_edition.ordinal, "host": to_edition.host, "unit": unit.name},
            )
        if to_edition.host_id is None:
            to_edition.host = unit
            to_edition.save(update_fields=["host"])

    previous = Handover.objects.select_for_update().filter(is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    handover = Handover(
        from_edition=edition,
        to_edition=to_edition,
        date=date,
        place=place,
        handed_by_name=handed_by_name,
        handed_by_title=handed_by_title,
        receiving_department=department,
        received_by_name=received_by_name,
        received_by_title=received_by_title,
        documented=documented,
        source=source,
        notes=notes,
        is_current=True,
    )
    if photo:
        handover.photo = photo
    handover.full_clean()
    handover.save()
    notified, without_address = queue_handover_emails(handover)
    audit_record(
        subject=handover,
        action="edition.hand_over_flag",
        actor=actor,
        data={
            "from_edition": edition.number,
            "to_edition": to_edition.number,
            "department": department.name,
            "date": date.isoformat(),
            "previous_holder": previous.pk if previous else None,
            "emails_queued": notified,
            "departments_without_address": without_address,
        },
    )
    return handover


# --- Seats --------------------------------------------------------------------------------------


@transaction.atomic
def edition_fill_free_seats(*, edition: Edition, actor) -> list[Registration]:
    """After the capacity or a quota changed: give the free seats to the waiting list, first come
    first served (a delegate whose unit is still full keeps their place). Returns those moved."""
    return registration_promote_next(edition=edition, actor=actor)


@transaction.atomic
def edition_set_capacity(*, edition: Edition, capacity: int | None, actor) -> list[Registration]:
    """Set the edition's capacity (None: no limit) and fill the seats it frees."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    edition.capacity = capacity
    edition.full_clean(validate_constraints=False)
    edition.save(update_fields=["capacity"])
    return edition_fill_free_seats(edition=edition, actor=actor)


@transaction.atomic
def participant_set_quota(
    *, participant: EditionParticipant, quota: int | None, actor
) -> list[Registration]:
    """Set a unit's quota at an edition (None: no quota) and fill the seats it frees."""
    Edition.objects.select_for_update().get(pk=participant.edition_id)
    participant = EditionParticipant.objects.select_for_update().get(pk=participant.pk)
    participant.quota = quota
    participant.full_clean(validate_constraints=False)
    participant.save(update_fields=["quota"])
    return edition_fill_free_seats(edition=participant.edition, actor=actor)
