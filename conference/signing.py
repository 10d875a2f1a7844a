"""Signed self-service links: a delegate views, edits and cancels a registration without an
account.

The token is ``django.core.signing`` output with its own salt, so a token made for any other
purpose of the site cannot be replayed here. It names the registration and its edition and does not
expire: a delegate must be able to open the link from the first email up to the conference (and
see afterwards that it was cancelled). Rotating ``SECRET_KEY`` revokes every link; a delegate asks
for a new one with the "send me my link again" form.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "conference.registration.manage"


class InvalidLink(Exception):
    """The link was altered, cut short, or names a registration that no longer exists."""


def manage_token(registration) -> str:
    return signing.dumps([registration.pk, registration.edition_id], salt=SALT, compress=True)


def registration_from_token(token: str):
    from conference.models import Registration

    try:
        pk, edition_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLink from error
    registration = Registration.objects.with_related().filter(pk=pk, edition_id=edition_id).first()
    if registration is None:
        raise InvalidLink
    return registration


def manage_url(registration, *, language: str | None = None, absolute: bool = True) -> str:
    """The link to the registration's page, in the delegate's language."""
    with translation.override(language or registration.language):
        path = reverse(
            "conference:registration_manage", kwargs={"token": manage_token(registration)}
        )
    return f"{settings.SITE_URL}{path}" if absolute else path
