from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def registered_actions() -> list[tuple[str, Any]]:
    """The choices of ``AuditEntry.action``: every registered action code with its label."""
    return list(AuditEntry.ACTIONS.items())


class AuditEntry(models.Model):
    """Who changed what, when, from which state to which, and why. Written by services only.

    ``action`` is a registered code (``registration.create``) shown through its translated label;
    ``actor_label`` holds the account's name, or a code of ``ACTORS`` for an actor without an
    account, also shown translated (``actor_display``)."""

    # Action code → translated label, filled by each app's AppConfig.ready() through
    # conference.services.audit.register_audit_actions (the core's: conference/apps.py). The
    # field's choices are read from it (a callable), so the admin shows and filters by label.
    ACTIONS: ClassVar[dict[str, Any]] = {}

    # Actors without an account, stored as codes in ``actor_label``.
    DELEGATE = "system:delegate"
    RETENTION_JOB = "system:retention_job"
    VERIFICATION_JOB = "system:verification_job"
    COMMAND = "system:command"
    ACTORS = {
        DELEGATE: _("the delegate (self-service link)"),
        RETENTION_JOB: _("the retention job (erasure one year after the edition)"),
        VERIFICATION_JOB: _("the expiry job (registrations whose email was not confirmed)"),
        COMMAND: _("a command run on the server (manage.py)"),
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
    action = models.CharField(_("action"), max_length=100, choices=registered_actions)
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
