"""Login and password reset, with limits per client on top of django-axes' per-account lock.

- Login: after ``LOGIN_FAILURES_PER_CLIENT`` failed logins from one client address within
  ``LOGIN_FAILURES_PERIOD`` seconds, whatever the usernames, that client's logins are refused
  (HTTP 429) until the period ends: one password tried on many accounts (spraying) stops there.
- Password reset: the email goes through the outbox (nothing is sent during the request, so
  the answer takes the same time whether or not the address has an account), at most one an
  hour per account, and ``PASSWORD_RESET_POSTS`` requests per client per hour.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import render

from conference import ratelimit
from conference.forms.accounts import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    SetPasswordForm,
)
from conference.services.accounts import account_request_password_reset
from conference.services.registrations import language_of


@receiver(user_logged_in, dispatch_uid="conference.superuser_session")
def _shorter_superuser_session(sender, request, user, **kwargs):
    """A superuser's session (the site's and the admin's login) ends after
    ``SUPERUSER_SESSION_SECONDS`` (default 2 hours) instead of the usual two weeks."""
    if user.is_superuser and request is not None and hasattr(request, "session"):
        request.session.set_expiry(settings.SUPERUSER_SESSION_SECONDS)


def _too_many(request, period: int):
    return render(
        request,
        "registration/too_many_attempts.html",
        {"minutes": math.ceil(period / 60)},
        status=429,
    )


def _login_failures_key(request) -> str:
    return f"login-failures:{ratelimit.client_ip(request) or 'unknown'}"


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm

    def post(self, request, *args, **kwargs):
        period = settings.LOGIN_FAILURES_PERIOD
        if ratelimit.count(_login_failures_key(request), period=period) >= (
            settings.LOGIN_FAILURES_PER_CLIENT
        ):
            return _too_many(request, period)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.hit(
            _login_failures_key(self.request),
            limit=settings.LOGIN_FAILURES_PER_CLIENT,
            period=settings.LOGIN_FAILURES_PERIOD,
        )
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm

    def post(self, request, *args, **kwargs):
        period = 3600
        allowed = ratelimit.hit(
            f"password-reset:{ratelimit.client_ip(request) or 'unknown'}",
            limit=settings.PASSWORD_RESET_POSTS,
            period=period,
        )
        if not allowed:
            return _too_many(request, period)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        account_request_password_reset(
            email=form.cleaned_data["email"], language=language_of(self.request.LANGUAGE_CODE)
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
