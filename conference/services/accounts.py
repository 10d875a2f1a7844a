"""Accounts: the password-reset request (the email goes through the outbox, see
``conference.notifications.accounts``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from conference.notifications.accounts import queue_password_reset
from conference.text_input import normalize_email


@transaction.atomic
def account_request_password_reset(*, email: str, language: str) -> None:
    """Queue a reset email for each active account with a usable password at ``email``. Says
    nothing either way, and sends nothing in the request: the page is the same, and takes the
    same time, whether or not the address has an account."""
    address = normalize_email(email)
    users = get_user_model().objects.filter(email__iexact=address, is_active=True)
    for user in users:
        if user.has_usable_password() and normalize_email(user.email) == address:
            queue_password_reset(user, language=language)
