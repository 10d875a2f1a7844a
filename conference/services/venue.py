"""Writes and counts at the venue: the check-in desk of one edition, and the audit record of an
export of personal data.

The check-in itself is ``conference.services.registrations.registration_check_in`` (it
normalises the code, refuses unknown, cancelled, declined, waitlisted and unconfirmed
registrations and moves a confirmed one to checked in through the one state-change function,
with its audit entry, and refuses a badge of another edition). This module turns its answer
into what the desk shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, pgettext_lazy

from conference import dates
from conference.models import AuditEntry, Edition, Registration
from conference.models.registrations import normalize_badge_code
from conference.services import registrations as services
from conference.services.audit import audit_record

AUDIT_ACTIONS = {"registration.export": pgettext_lazy("audit action", "registrations exported")}


@dataclass(frozen=True)
class CheckIn:
    """The desk's answer to one scan."""

    outcome: str  # "checked_in", "already" or "refused"
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


@transaction.atomic
def venue_check_in(
    *, edition: Edition, badge_code: str, actor, now: datetime.datetime | None = None
) -> CheckIn:
    """Check in the holder of ``badge_code`` at ``edition``'s desk; never raises for bad input,
    the answer says what happened."""
    code = normalize_badge_code(badge_code)
    if not code:
        return CheckIn("refused", gettext("Type or scan the code on the badge."))
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


def checkin_counts(edition: Edition) -> dict[str, int]:
    """Checked in so far, out of those expected (those with a badge: confirmed or checked in), in
    one query."""
    Status = Registration.Status
    return Registration.objects.for_edition(edition).aggregate(
        checked_in=Count("pk", filter=Q(status=Status.CHECKED_IN)),
        expected=Count("pk", filter=Q(status__in=Registration.GETS_BADGE)),
    )


def export_record(*, edition: Edition, actor, file_format: str, filters: dict) -> AuditEntry:
    """Who took the personal data of which registrations out of the site, and when (Decree
    13/2023/NĐ-CP asks that processing be traceable)."""
    return audit_record(
        subject=edition,
        action="registration.export",
        actor=actor,
        data={"format": file_format, "filters": filters},
    )
