"""The notification outbox: one row per email, written in the transaction that causes it.

Rows are created by :func:`conference.outbox.notification_queue` and change state only through
the services of :mod:`conference.outbox` (see ``TRANSITIONS``). The rendered subject and bodies are
stored, so what the admin shows is exactly what was (or will be) sent — except the token of a
delegate's self-service link, which the admin shows as "…" (the stored body keeps the working link,
so only organizers and staff given the notification permissions read the log).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def for_log(self):
        """The admin delivery log: everything one row of the list shows, in one query."""
        return self.select_related("edition", "content_type")

    def failed(self):
        return self.filter(status=Notification.Status.FAILED)

    def stale_queued(self, *, older_than):
        """Queued and due since before ``older_than``: their task was lost (broker down)."""
        return self.filter(status=Notification.Status.QUEUED, next_attempt_at__lt=older_than)

    def stale_sending(self, *, older_than):
        """Claimed before ``older_than`` and never finished: their worker died."""
        return self.filter(status=Notification.Status.SENDING, claimed_at__lt=older_than)


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # The only state changes there are; conference.outbox._set_status enforces them.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.QUEUED: frozenset({Status.SENDING}),
        # SENDING → SENDING: the same task claims again after its worker was lost mid-send.
        Status.SENDING: frozenset({Status.SENT, Status.QUEUED, Status.FAILED, Status.SENDING}),
        Status.FAILED: frozenset({Status.QUEUED}),
        Status.SENT: frozenset(),
    }

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    event_key = models.CharField(
        _("event key"),
        max_length=200,
        help_text=_("Names the event this email is about; one email per event and recipient."),
    )
    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    edition = models.ForeignKey(
        "conference.Edition",
        verbose_name=_("edition"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    subject = models.CharField(_("subject"), max_length=500)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"))
    # What the bodies are rendered from when they are rendered at send time (plain values, taken
    # when the email was queued: the email says what was true then); None when the bodies were
    # rendered at once. Empty bodies with a context: not rendered yet.
    context = models.JSONField(_("context"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    claim_token = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The id of the task that claimed it."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    resend_of = models.ForeignKey(
        "self",
        verbose_name=_("resend of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resends",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("email delivery log")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="notification_unique_event_recipient"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sending") | models.Q(claimed_at__isnull=False),
                name="notification_sending_has_claim",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["recipient"], name="notification_recipient_idx"),
            # The emails about one registration (its page's history): without it, a scan of
            # every email the site ever queued.
            models.Index(fields=["content_type", "object_id"], name="notification_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"

    @property
    def message_id(self) -> str:
        """A stable Message-ID, the same on every attempt, so that a duplicate (a worker lost
        between the SMTP server's acceptance and the row being marked sent) can be recognised."""
        from django.conf import settings

        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
        stamp = int(self.created_at.timestamp()) if self.created_at else 0
        return f"<notification-{self.pk}.{stamp}@{domain}>"
