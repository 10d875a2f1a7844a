"""Signed self-service links: a delegate views, edits and cancels a registration without an
account.

The token is ``django.core.signing`` output with its own salt, so a token made for any other
purpose of the site cannot be replayed here. It names the registration and its edition and does not
expire: a delegate must be able to open the link from the first email up to the conference (and
see afterwards that it was cancelled). Rotating ``SECRET_KEY`` revokes every link; a delegate asks
for a new one with the "send me my link again" form.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "conference.registration.manage"


# The token of a manage link (and of its edit/cancel/erase pages) in any text: the path segment
# after "registration/manage/" (see conference/app_urls.py).
_TOKEN_IN_LINK = re.compile(r"(registration/manage/)[^/\s\"'<>]+")
MASK = "…"
# What a stored email holds instead of the token: the outbox puts the token in at send time
# (``link_put_in``), so the table and the delivery log hold no working link. "~" never occurs
# in a signed token and stays as it is in a URL and in HTML.
PLACEHOLDER = "~token~"
_PLACEHOLDER_IN_LINK = f"registration/manage/{PLACEHOLDER}/"


class InvalidLink(Exception):
    """The link was altered, cut short, or names a registration that no longer exists."""


def manage_token(registration) -> str:
    return signing.dumps([registration.pk, registration.edition_id], salt=SALT, compress=True)


def read_manage_token(token: str) -> tuple[int, int]:
    """The registration and edition ids a token names (``Registration.objects.from_manage_token``
    finds the registration); ``InvalidLink`` if it was altered or cut short."""
    try:
        pk, edition_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLink from error
    return pk, edition_id


def manage_url(
    registration, *, language: str | None = None, absolute: bool = True, stored: bool = False
) -> str:
    """The link to the registration's page, in the delegate's language. ``stored``: with the
    placeholder instead of the token, for an email body kept in the outbox."""
    token = PLACEHOLDER if stored else manage_token(registration)
    with translation.override(language or registration.language):
        path = reverse("conference:registration_manage", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}" if absolute else path


def link_put_in(text: str, registration) -> str:
    """``text`` (a stored email body) with the placeholder of its manage links replaced by the
    registration's token; without a registration (erased since) the links lead nowhere."""
    token = manage_token(registration) if registration is not None else "-"
    return text.replace(_PLACEHOLDER_IN_LINK, f"registration/manage/{token}/")


def token_taken_out(text: str) -> str:
    """``text`` with the token of every manage link replaced by the placeholder: what an older
    stored body becomes (the data migration that cleaned the outbox)."""
    return _TOKEN_IN_LINK.sub(rf"\g<1>{PLACEHOLDER}", text)


def mask_manage_links(text: str) -> str:
    """``text`` with the token of every manage link replaced by "…": what the admin shows of a
    stored email, so that reading the delivery log does not hand over working links."""
    return _TOKEN_IN_LINK.sub(rf"\g<1>{MASK}", text)
