"""The emails a delegate receives about their registration, queued through the outbox.

Templates: ``templates/conference/emails/<kind>.txt`` and ``.html``, rendered in the language the
delegate registered in. The context holds only primitive values (the outbox stores it as JSON),
prepared here in that language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from conference import dates
from conference.outbox import notification_queue, register_kind
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


def registration_context(registration, *, reason: str = "") -> dict:
    """Everything the templates show, as strings in the delegate's language."""
    edition = registration.edition
    with translation.override(registration.language):
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


for _name, _subject in KINDS.items():
    register_kind(
        _name,
        subject=_subject,
        template=f"conference/emails/{_name}",
        label=LABELS[_name],
        finish=_put_in_link,
    )
