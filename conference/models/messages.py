"""Messages written by the organizers to a set of delegates, and the digests that tell liaisons
and organizers what waits for them. Both are sent through the outbox (one ``Notification`` per
recipient); these rows record what was sent to whom, so a report can show each one's delivery and
nothing is sent twice.

Written only by the services of ``conference.services.messages``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.text_input import max_length_check

SUBJECT_MAX = 200
BODY_MAX = 5000


class DelegateMessage(models.Model):
    """One message to the delegates an organizer picked with the registrations' filters."""

    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    edition = models.ForeignKey(
        "conference.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="delegate_messages",
    )
    subject = models.CharField(_("subject (Vietnamese)"), max_length=SUBJECT_MAX)
    body = models.TextField(_("message (Vietnamese)"), max_length=BODY_MAX)
    subject_en = models.CharField(_("subject (English)"), max_length=SUBJECT_MAX, blank=True)
    body_en = models.TextField(_("message (English)"), max_length=BODY_MAX, blank=True)
    criteria = models.JSONField(
        _("filters"),
        default=dict,
        blank=True,
        help_text=_("The filters that chose the recipients."),
    )
    criteria_label = models.CharField(_("recipients chosen"), max_length=500, blank=True)
    idempotency_key = models.UUIDField(
        _("submission key"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("The same form sent twice makes one message."),
    )

    class Meta:
        verbose_name = _("message to delegates")
        verbose_name_plural = _("messages to delegates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="delegatemessage_unique_key"),
            max_length_check("delegatemessage", "body", BODY_MAX),
            max_length_check("delegatemessage", "body_en", BODY_MAX),
            models.CheckConstraint(
                condition=~models.Q(subject="") & ~models.Q(body=""),
                name="delegatemessage_vietnamese_required",
                violation_error_message=_("The Vietnamese subject and message are required."),
            ),
            models.CheckConstraint(
                condition=(models.Q(subject_en="") & models.Q(body_en=""))
                | (~models.Q(subject_en="") & ~models.Q(body_en="")),
                name="delegatemessage_english_complete_or_empty",
                violation_error_message=_(
                    "Give both the English subject and the English message, or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def has_english(self) -> bool:
        return bool(self.subject_en and self.body_en)


class MessageRecipient(models.Model):
    """A delegate a message went to: their outbox row, or none when they have no address."""

    message = models.ForeignKey(
        DelegateMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    # Erasing a registration (at the delegate's request, or a year after) removes its line.
    registration = models.ForeignKey(
        "conference.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="message_receipts",
    )
    notification = models.ForeignKey(
        "conference.Notification",
        verbose_name=_("email"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients of messages")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"], name="messagerecipient_unique_registration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.registration_id}"


class DigestSent(models.Model):
    """One digest sent to one person: what it listed (keys such as ``registration:12``), so the
    next run sends nothing when nothing changed, and at most one per period."""

    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    items = models.JSONField(_("what it listed"), default=list)
    notification = models.ForeignKey(
        "conference.Notification",
        verbose_name=_("email"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="digestsent_user_latest_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
