"""The emails a delegate receives about their registration, queued through the outbox.

Templates: ``templates/conference/emails/<kind>.txt`` and ``.html``, rendered in the language the
delegate registered in. The context holds only primitive values (the outbox stores it as JSON),
prepared here in that language.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from conference import badges, calendar, dates
from conference.outbox import Attachment, notification_queue, register_kind
from conference.signing import link_put_in, manage_url

KINDS = {
    "registration_verify": _("Please confirm your email address"),
    "registration_received": _("We have received your registration"),
    "registration_waitlisted": _("You are on the waiting list"),
    "registration_promoted": _("A seat is free: your registration moves forward"),
    "registration_confirmed": _("Your registration is confirmed"),
    "registration_declined": _("Your registration was declined"),
    "registration_cancelled": _("Your registration is cancelled"),
    "registration_reopened": _("Your registration awaits confirmation again"),
    "registration_manage_link": _("The link to your registration"),
    "registration_reminder": _("See you tomorrow at the conference"),
}

# The short nouns the email delivery log shows for each kind.
LABELS = {
    "registration_verify": _("Email address to confirm"),
    "registration_received": _("Registration received"),
    "registration_waitlisted": _("Put on the waiting list"),
    "registration_promoted": _("Moved up from the waiting list"),
    "registration_confirmed": _("Registration confirmed"),
    "registration_declined": _("Registration declined"),
    "registration_cancelled": _("Registration cancelled"),
    "registration_reopened": _("Decision reversed: awaiting confirmation again"),
    "registration_manage_link": _("Registration link"),
    "registration_reminder": _("Reminder the day before"),
}


def registration_context(registration, *, reason: str = "", language: str = "") -> dict:
    """Everything the templates show, as strings in the delegate's language (or ``language``:
    a message written in Vietnamese only goes out in Vietnamese)."""
    edition = registration.edition
    with translation.override(language or registration.language):
        deadline = edition.changes_deadline()
        return {
            "full_name": registration.full_name,
            "salutation": registration.salutation_word,
            "status": str(registration.get_status_display()),
            "edition_title": edition.title,
            "edition_date": dates.short_date(edition.date) if edition.date else "",
            "venue": edition.venue,
            "unit": registration.unit.name if registration.unit_id else "",
            "organisation": registration.organisation_name,
            "badge_code": registration.badge_code,
            # The placeholder: the token goes in when the email is sent (``_put_in_link``).
            "manage_url": manage_url(registration, stored=True),
            "changes_until": dates.deadline_text(deadline) if deadline else "",
            "reason": reason,
            "verify_hours": settings.REGISTRATION_VERIFY_HOURS,
            # Cancelled and declined registrations can only be viewed through the link.
            "can_change": registration.is_active,
            # A sample edition's emails say so (the line in emails/base.txt and base.html).
            "is_demo": edition.is_demo,
            # "Contact the organizers" says how (edition data, editable in the admin).
            "contact_name": edition.contact_name,
            "contact_email": edition.contact_email,
            "contact_phone": edition.contact_phone,
            # What the delegate needs on the day (the confirmation email shows it).
            "day": calendar.day_details(edition),
            "badge_code_display": registration.badge_code_display,
            "qr_cid": QR_CONTENT_ID,
        }


def queue_registration_email(
    registration, kind: str, *, reason: str = "", key: str = "", once: bool = False
) -> None:
    """Queue ``kind`` for the delegate; call inside the service's transaction. The event key
    names the registration and its state (``once``: the registration only), so a retried service
    or job never sends the same email twice."""
    event_key = (
        f"{kind}:{registration.pk}"
        if once
        else (f"{kind}:{registration.pk}:{registration.status}:{key}")
    )
    notification_queue(
        kind=kind,
        recipient=registration.email,
        language=registration.language,
        context=registration_context(registration, reason=reason),
        event_key=event_key,
        about=registration,
    )


def _put_in_link(notification, body: str) -> str:
    """At send time: the working link of the registration the email is about — unless an
    organizer has corrected its address since the email was queued: the old address gets no
    working link (the new one was sent its own)."""
    from conference.models import Registration

    registration = Registration.objects.filter(pk=notification.object_id or None).first()
    if registration is not None and registration.email.lower() != notification.recipient.lower():
        registration = None
    return link_put_in(body, registration)


QR_CONTENT_ID = "badge-qr@hoinghi"


def confirmation_attachments(notification) -> list[Attachment]:
    """Built when the confirmation is sent (the row stores no file): the badge code as a QR
    image (shown inline by the HTML body, ``cid:badge-qr@hoinghi``, and offered as a PNG) and
    the edition as a calendar file. Nothing for a registration erased meanwhile."""
    from conference.models import Registration

    registration = (
        Registration.objects.select_related("edition__host", "edition__held_in")
        .filter(pk=notification.object_id or None)
        .first()
    )
    if registration is None:
        return []
    edition = registration.edition
    png = io.BytesIO()
    badges.qr_code(registration.badge_code).save(png, kind="png", scale=8, border=2)
    files = [
        Attachment(
            filename=f"ma-the-{registration.badge_code_display}.png",
            content=png.getvalue(),
            mimetype="image/png",
            content_id=QR_CONTENT_ID,
        )
    ]
    if edition.date is not None:
        with translation.override(notification.language):
            description = _("Badge code: %(code)s") % {"code": registration.badge_code_display}
            ics = calendar.edition_ics(
                edition,
                url=f"{settings.SITE_URL}{edition.get_absolute_url()}",
                uid_host=settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost",
                description=str(description),
            )
        files.append(
            Attachment(
                filename=calendar.ics_filename(edition),
                content=ics.encode(),
                mimetype="text/calendar",
            )
        )
    return files


# The emails that carry the day's information as files too.
ATTACHMENTS = {"registration_confirmed": confirmation_attachments}

for _name, _subject in KINDS.items():
    register_kind(
        _name,
        subject=_subject,
        template=f"conference/emails/{_name}",
        label=LABELS[_name],
        finish=_put_in_link,
        attachments=ATTACHMENTS.get(_name),
    )
