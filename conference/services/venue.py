"""Writes and counts at the venue: the check-in desk of one edition, and the audit record of an
export of personal data.

The check-in itself is ``conference.services.registrations.registration_check_in`` (it
normalises the code, refuses unknown, cancelled, declined, waitlisted and unconfirmed
registrations and moves a confirmed one to checked in through the one state-change function,
with its audit entry, and refuses a badge of another edition). This module turns its answer
into what the desk shows, finds delegates by name or phone for those who come without their
badge, asks for an explicit confirmation before checking in on a day the edition is not held,
and takes back a check-in made by mistake.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from conference import dates, seat_counts
from conference.models import AuditEntry, Edition, Registration
from conference.models.registrations import (
    BADGE_ALPHABET,
    BADGE_CODE_LENGTH,
    normalize_badge_code,
)
from conference.services import registrations as services
from conference.services.audit import audit_record
from conference.vietnamese import fold

AUDIT_ACTIONS = {"registration.export": pgettext_lazy("audit action", "registrations exported")}


@dataclass(frozen=True)
class CheckIn:
    """The desk's answer to one scan."""

    # "checked_in", "already", "refused", "undone", or "confirm" (outside the edition's days:
    # the desk must confirm before the check-in is made)
    outcome: str
    headline: str
    person: str = ""  # whose badge it is, when the code is known
    detail: str = ""
    code: str = ""
    registration_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "headline": self.headline,
            "person": self.person,
            "detail": self.detail,
            "code": self.code,
            "registration_id": self.registration_id,
        }


def who(registration: Registration) -> str:
    """ "Bà Nguyễn Thị Hiền, Hà Nội" (the organisation when there is no province)."""
    where = registration.unit.name if registration.unit_id else registration.organisation_name
    return gettext("%(salutation)s %(name)s, %(unit)s") % {
        "salutation": registration.salutation_word.capitalize(),
        "name": registration.full_name,
        "unit": where,
    }


def looks_like_badge_code(text: str) -> bool:
    """Whether what was typed could be a badge code (ten letters and digits of the badge
    alphabet, dashes and spaces aside), rather than a name or a phone number."""
    code = normalize_badge_code(text)
    return len(code) == BADGE_CODE_LENGTH and all(c in BADGE_ALPHABET for c in code)


def badge_code_exists(text: str) -> bool:
    code = normalize_badge_code(text)
    return bool(code) and Registration.objects.filter(badge_code=code).exists()


def outside_days_message(edition: Edition, now: datetime.datetime | None = None) -> str:
    """ "" on a day of the edition (or when its date is not known); otherwise the warning the
    desk reads before checking anyone in."""
    if edition.date is None:
        return ""
    today = timezone.localdate(now or timezone.now())
    if edition.date <= today <= (edition.end_date or edition.date):
        return ""
    return gettext(
        "Today (%(today)s) is not a day of this edition (%(days)s). Check in anyway?"
    ) % {
        "today": dates.short_date(today),
        "days": dates.date_range(edition.date, edition.end_date),
    }


DESK_SEARCH_LIMIT = 20


def desk_search(*, edition: Edition, query: str) -> list[Registration]:
    """The delegates of ``edition`` whose name, phone, organisation or badge code matches
    ``query`` (accent-free: "nguyen thi hien" finds "Nguyễn Thị Hiền"; "0912 345 678" and
    "+84912345678" find the same phone), in name order, at most ``DESK_SEARCH_LIMIT``; every
    state, so the desk sees why someone cannot be checked in. One query."""
    if not fold(query).strip():
        return []
    return list(
        Registration.objects.for_edition(edition)
        .search(query)
        .select_related("unit")
        .ordered()[:DESK_SEARCH_LIMIT]
    )


@transaction.atomic
def venue_check_in(
    *,
    edition: Edition,
    badge_code: str,
    actor,
    now: datetime.datetime | None = None,
    outside_days_confirmed: bool = False,
) -> CheckIn:
    """Check in the holder of ``badge_code`` at ``edition``'s desk; never raises for bad input,
    the answer says what happened. On a day the edition is not held, a delegate who could be
    checked in is not, until the desk confirms (``outside_days_confirmed``): a test scan the
    day before, or the wrong edition's desk, must not check anyone in by accident."""
    code = normalize_badge_code(badge_code)
    if not code:
        return CheckIn("refused", gettext("Type or scan the code on the badge."))
    warning = "" if outside_days_confirmed else outside_days_message(edition, now)
    if warning:
        holder = (
            Registration.objects.for_edition(edition)
            .select_related("unit")
            .filter(badge_code=code, status=Registration.Status.CONFIRMED)
            .first()
        )
        if holder is not None:
            return CheckIn(
                "confirm",
                warning,
                person=who(holder),
                code=code,
                registration_id=holder.pk,
            )
    try:
        registration, already = services.registration_check_in(
            badge_code=code, actor=actor, edition=edition, now=now
        )
    except ValidationError as error:
        # Say whose badge it is, so the desk can send them to the organizers.
        holder = Registration.objects.select_related("unit").filter(badge_code=code).first()
        return CheckIn(
            "refused",
            gettext("Not checked in"),
            person=who(holder) if holder else "",
            detail=" ".join(error.messages),
            code=code,
            registration_id=holder.pk if holder else None,
        )
    if already:
        return CheckIn(
            "already",
            gettext("Already checked in at %(when)s")
            % {"when": dates.time_then_date(registration.checked_in_at)},
            person=who(registration),
            code=code,
            registration_id=registration.pk,
        )
    return CheckIn(
        "checked_in",
        gettext("Checked in: %(who)s") % {"who": who(registration)},
        detail=registration.position,
        code=code,
        registration_id=registration.pk,
    )


def venue_check_in_undo(*, registration: Registration, actor, reason: str = "") -> CheckIn:
    """Take back a check-in; the answer the desk shows (refused if it was not checked in)."""
    try:
        registration = services.registration_check_in_undo(
            registration=registration, actor=actor, reason=reason
        )
    except ValidationError as error:
        return CheckIn(
            "refused",
            gettext("Nothing undone"),
            person=who(registration),
            detail=" ".join(error.messages),
            code=registration.badge_code,
            registration_id=registration.pk,
        )
    return CheckIn(
        "undone",
        gettext("Check-in undone: %(who)s") % {"who": who(registration)},
        detail=gettext("The delegate is confirmed again and may be checked in later."),
        code=registration.badge_code,
        registration_id=registration.pk,
    )


def checkin_counts(edition: Edition) -> dict[str, int]:
    """Checked in so far, out of those expected (those with a badge: confirmed or checked in), in
    the edition's counts (``conference.seat_counts``: one grouped query, or none while nothing
    changed)."""
    counts = seat_counts.edition_counts(edition.pk)
    return {
        "checked_in": seat_counts.total(counts, [Registration.Status.CHECKED_IN]),
        "expected": seat_counts.total(counts, Registration.GETS_BADGE),
    }


def export_record(*, edition: Edition, actor, file_format: str, filters: dict) -> AuditEntry:
    """Who took the personal data of which registrations out of the site, and when (Decree
    13/2023/NĐ-CP asks that processing be traceable)."""
    return audit_record(
        subject=edition,
        action="registration.export",
        actor=actor,
        data={"format": file_format, "filters": filters},
    )
