"""The account forms (login, password change and reset): Django's, with the site's input
cleaning (``conference.text_input.CleanInputMixin``)."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms

from conference.text_input import CleanInputMixin


class LoginForm(CleanInputMixin, auth_forms.AuthenticationForm):
    pass


class PasswordResetRequestForm(CleanInputMixin, auth_forms.PasswordResetForm):
    """Only the address; the view calls ``account_request_password_reset`` (not ``save``)."""


class SetPasswordForm(CleanInputMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(CleanInputMixin, auth_forms.PasswordChangeForm):
    pass
