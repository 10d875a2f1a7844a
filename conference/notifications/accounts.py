"""The password-reset email, through the outbox like every other email.

Its link's secret is never stored: the row holds ``~token~`` in its place, and ``_put_in_token``
makes the token when the email is sent (Django's ``default_token_generator``: it stops working
once the password changes or after ``PASSWORD_RESET_TIMEOUT``). So the delivery log shows the
email as sent without handing anyone the means to take over the account.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from conference.outbox import notification_queue, register_kind

KIND = "password_reset"
PLACEHOLDER = "~token~"


def _uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def _put_in_token(notification, body: str) -> str:
    """At send time: the working reset link of the account the email is about."""
    from conference.models import User

    user = User.objects.filter(pk=notification.object_id or None, is_active=True).first()
    token = default_token_generator.make_token(user) if user is not None else "-"
    uid = _uid(user) if user is not None else "-"
    return body.replace(f"/{uid}/{PLACEHOLDER}/", f"/{uid}/{token}/")


register_kind(
    KIND,
    subject=_("Reset your password"),
    template="conference/emails/password_reset",
    label=_("Password reset"),
    finish=_put_in_token,
)


def queue_password_reset(user, *, language: str, now: datetime.datetime | None = None) -> None:
    """Queue the reset email of ``user``; call inside a transaction. At most one an hour per
    account (the event key names the hour), however often the form is sent."""
    now = now or timezone.now()
    with translation.override(language):
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": _uid(user), "token": PLACEHOLDER}
        )
    notification_queue(
        kind=KIND,
        recipient=user.email,
        language=language,
        context={
            "name": user.get_full_name() or user.get_username(),
            "username": user.get_username(),
            "site_name": settings.SITE_URL.split("://", 1)[-1],
            "reset_url": f"{settings.SITE_URL}{path}",
        },
        event_key=f"{KIND}:{user.pk}:hour:{now.astimezone(datetime.UTC):%Y-%m-%dT%H}",
        about=user,
    )
