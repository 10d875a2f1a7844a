from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """Who changed what, when, from which state to which, and why. Written by services only.

    ``action`` is a code (``registration.create``) shown through its translated label;
    ``actor_label`` holds the account's name, or a code of ``ACTORS`` for an actor without an
    account, also shown translated (``actor_display``)."""

    class Action(models.TextChoices):
        REGISTRATION_CREATE = (
            "registration.create",
            pgettext_lazy("audit action", "registered"),
        )
        REGISTRATION_UPDATE = (
            "registration.update",
            pgettext_lazy("audit action", "details changed"),
        )
        REGISTRATION_PENDING = (
            "registration.pending",
            pgettext_lazy("audit action", "moved from the waiting list"),
        )
        REGISTRATION_CONFIRMED = (
            "registration.confirmed",
            pgettext_lazy("audit action", "confirmed"),
        )
        REGISTRATION_DECLINED = (
            "registration.declined",
            pgettext_lazy("audit action", "declined"),
        )
        REGISTRATION_CANCELLED = (
            "registration.cancelled",
            pgettext_lazy("audit action", "cancelled"),
        )
        REGISTRATION_DECISION_REVERSED = (
            "registration.decision_reversed",
            pgettext_lazy("audit action", "decision reversed"),
        )
        REGISTRATION_CHECKED_IN = (
            "registration.checked_in",
            pgettext_lazy("audit action", "checked in"),
        )
        REGISTRATION_ERASE = (
            "registration.erase",
            pgettext_lazy("audit action", "erased with its personal data"),
        )
        REGISTRATION_EXPORT = (
            "registration.export",
            pgettext_lazy("audit action", "registrations exported"),
        )
        NOTIFICATION_RETRY = (
            "notification.retry",
            pgettext_lazy("audit action", "email retried"),
        )
        NOTIFICATION_RESEND = (
            "notification.resend",
            pgettext_lazy("audit action", "email sent again"),
        )
        NOTIFICATION_SEND_TEST = (
            "notification.send_test",
            pgettext_lazy("audit action", "test email sent"),
        )

    # Actors without an account, stored as codes in ``actor_label``.
    DELEGATE = "system:delegate"
    RETENTION_JOB = "system:retention_job"
    ACTORS = {
        DELEGATE: _("the delegate (self-service link)"),
        RETENTION_JOB: _("the retention job (erasure one year after the edition)"),
    }

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        _("who (as recorded)"),
        max_length=200,
        blank=True,
        help_text=_("Kept when the account is deleted; also names actors without an account."),
    )
    action = models.CharField(_("action"), max_length=100, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(_("from"), max_length=50, blank=True)
    to_state = models.CharField(_("to"), max_length=50, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_subject_idx")]

    def __str__(self) -> str:
        return str(self.get_action_display())

    @property
    def from_state_display(self) -> str:
        return state_label(self.from_state)

    @property
    def to_state_display(self) -> str:
        return state_label(self.to_state)

    @property
    def actor_display(self) -> str:
        """Who, in the reader's language: an account's name, or the label of a code."""
        return str(self.ACTORS.get(self.actor_label, self.actor_label))


def state_label(code: str) -> str:
    """A state code as people read it (a registration's "confirmed" → "Đã xác nhận"); the code
    itself when no model names it."""
    from conference.models.outbox import Notification
    from conference.models.registrations import Registration

    for choices in (Registration.Status, Notification.Status):
        if code in choices.values:
            return str(choices(code).label)
    return code
