"""The emails of ``conference.services.messages``: an organizer's message to delegates, and the
digest that tells a liaison or an organizer what waits for them.

Templates: ``templates/conference/emails/delegate_message.{txt,html}`` and
``digest.{txt,html}``. A message carries the delegate's self-service link like every email
about a registration (the row holds ``~token~``; the token goes in when it is sent).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from conference.notifications.registrations import _put_in_link, registration_context
from conference.outbox import notification_queue, register_kind

MESSAGE = "delegate_message"
DIGEST = "digest"

register_kind(
    MESSAGE,
    subject="%(message_subject)s",
    template=f"conference/emails/{MESSAGE}",
    label=_("Message to delegates"),
    finish=_put_in_link,
)
register_kind(
    DIGEST,
    subject=_("What waits for your decision"),
    template=f"conference/emails/{DIGEST}",
    label=_("Digest: what waits for a decision"),
)


def message_language(message, registration) -> str:
    """The delegate's own language when the message has it, else Vietnamese."""
    return registration.language if message.has_english else "vi"


def message_context(message, registration, *, language: str) -> dict:
    english = language == "en" and message.has_english
    return {
        **registration_context(registration, language=language),
        "message_subject": message.subject_en if english else message.subject,
        "message_body": message.body_en if english else message.body,
    }


def queue_message_email(message, registration):
    """Queue ``message`` for one delegate (inside the service's transaction); never twice for
    the same message and address."""
    language = message_language(message, registration)
    return notification_queue(
        kind=MESSAGE,
        recipient=registration.email,
        language=language,
        context=message_context(message, registration, language=language),
        event_key=f"{MESSAGE}:{message.pk}",
        about=registration,
        edition=message.edition,
    )


def queue_digest_email(*, user, digest, sections: list[dict], language: str):
    """Queue one digest (inside the service's transaction); ``digest`` is its ``DigestSent``."""
    return notification_queue(
        kind=DIGEST,
        recipient=user.email,
        language=language,
        context={
            "name": user.get_full_name() or user.get_username(),
            "sections": sections,
        },
        event_key=f"{DIGEST}:{digest.pk}",
        about=user,
    )
