"""The email every participating department receives when the host flag is handed over.

Departments have no email address in the loaded data (no source gives one). "Notify a department"
therefore means: write to the department's own address when one is recorded, and to each of its
members who is a conference liaison (their account's email, in their language). A department with
neither is skipped, and the handover's audit entry names it, so an organizer can see who was not
told. Templates: ``templates/conference/emails/flag_handed_over.{txt,html}``.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from conference import dates
from conference.outbox import notification_queue, register_kind
from provinces.models import Department

KIND = "flag_handed_over"

register_kind(
    KIND,
    subject=_("The host flag of edition %(to_ordinal)s was handed to %(department)s"),
    template=f"conference/emails/{KIND}",
    label=_("Host flag handed over"),
)


def _context(handover, language: str) -> dict:
    with translation.override(language):
        to_edition = handover.to_edition
        return {
            "from_ordinal": handover.from_edition.ordinal,
            "from_title": handover.from_edition.title,
            "to_ordinal": to_edition.ordinal,
            "to_title": to_edition.title,
            "to_year": str(to_edition.year),
            "department": handover.receiving_department.display_name,
            "date": dates.short_date(handover.date),
            "place": handover.place,
            "journey_path": "/en/flag/" if language == "en" else "/flag/",
            "is_demo": to_edition.is_demo or handover.from_edition.is_demo,
        }


def handover_recipients(handover) -> tuple[list[tuple[str, str]], list[str]]:
    """(address, language) pairs of every department taking part in the giving edition and of
    the receiving department; and the names of the departments with no address at all."""
    units = set(handover.from_edition.participants.values_list("unit_id", flat=True))
    units.add(handover.receiving_department.unit_id)
    departments = (
        Department.objects.filter(unit_id__in=units)
        .prefetch_related("members__user")
        .order_by("sort_key")
    )
    recipients: dict[str, str] = {}
    without: list[str] = []
    for department in departments:
        found = False
        if department.email:
            recipients.setdefault(department.email.lower(), "vi")
            found = True
        for member in department.members.all():
            if member.is_liaison and member.user.is_active and member.user.email:
                recipients.setdefault(member.user.email.lower(), member.user.language or "vi")
                found = True
        if not found:
            without.append(department.name)
    return sorted(recipients.items()), without


def queue_handover_emails(handover) -> tuple[int, list[str]]:
    """Queue the email for every recipient (inside the service's transaction); returns how many
    were queued and the departments that had no address. Never twice for one handover."""
    recipients, without = handover_recipients(handover)
    for address, language in recipients:
        notification_queue(
            kind=KIND,
            recipient=address,
            language=language,
            context=_context(handover, language),
            event_key=f"{KIND}:{handover.pk}",
            about=handover.to_edition,
        )
    return len(recipients), without
