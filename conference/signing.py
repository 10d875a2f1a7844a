"""Signed self-service links: a delegate views, edits and cancels a registration without an
account.

The token is ``django.core.signing`` output with its own salt, so a token made for any other
purpose of the site cannot be replayed here. It names the registration, its edition and the
version of its link (``Registration.link_version``: raised when an organizer corrects the email
address, so the link sent to the old address stops working). Tokens of older emails name no
version: they are version 0. The token itself does not expire; the registration's page does,
``MANAGE_LINK_DAYS`` days after its edition ends (``Edition.links_expire_at``). Rotating
``SECRET_KEY`` revokes every link; a delegate asks for a new one with the "send me my link
again" form.

The link is used once per visit: ``/registration/manage/<token>/`` puts the registration in the
visitor's session and redirects to ``/registration/manage/``, so the token is not left in the
address bar, the browser history, ``Referer`` headers or the server's access log of every page.
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


class ReplacedLink(InvalidLink):
    """The link was sent to an address an organizer has since corrected: a newer link went to
    the new address (``registration`` is the one it named)."""

    def __init__(self, registration) -> None:
        super().__init__()
        self.registration = registration


class ExpiredLink(InvalidLink):
    """The edition ended more than ``MANAGE_LINK_DAYS`` days ago."""

    def __init__(self, registration) -> None:
        super().__init__()
        self.registration = registration


def manage_token(registration) -> str:
    return signing.dumps(
        [registration.pk, registration.edition_id, registration.link_version],
        salt=SALT,
        compress=True,
    )


def read_manage_token(token: str) -> tuple[int, int, int]:
    """The registration id, edition id and link version a token names
    (``Registration.objects.from_manage_token`` finds the registration); ``InvalidLink`` if it
    was altered or cut short. Tokens made before links had versions are version 0."""
    try:
        pk, edition_id, *version = signing.loads(token, salt=SALT)
        version = version[0] if version else 0
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLink from error
    if not all(isinstance(value, int) for value in (pk, edition_id, version)):
        raise InvalidLink
    return pk, edition_id, version


def manage_url(
    registration, *, language: str | None = None, absolute: bool = True, stored: bool = False
) -> str:
    """The link to the registration's page, in the delegate's language. ``stored``: with the
    placeholder instead of the token, for an email body kept in the outbox."""
    token = PLACEHOLDER if stored else manage_token(registration)
    with translation.override(language or registration.language):
        path = reverse("conference:registration_open", kwargs={"token": token})
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
