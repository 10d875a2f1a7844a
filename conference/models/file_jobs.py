"""Files prepared in the background for the organizers: every badge of an edition (or of the
list's filters) as one PDF, the registrations as an XLSX workbook. Large ones take longer than a
web request may, so a Celery task builds them while the organizer watches the job's page, and the
file is then downloaded from private storage (``settings.FILE_JOBS_DIR``) until it expires.

States: queued → running → done | failed; done → expired when the file is deleted
(``FILE_JOB_HOURS`` after it was ready); the row stays as history. Every change goes through
``conference.services.file_jobs`` (one conditional UPDATE per change, so two workers never build
the same job).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.private_files import file_jobs_storage

QUERY_MAX = 1000
ERROR_MAX = 500
FILENAME_MAX = 200


class FileJob(models.Model):
    class Kind(models.TextChoices):
        BADGES_PDF = "badges_pdf", _("Name badges (PDF)")
        REGISTRATIONS_XLSX = "registrations_xlsx", _("Registrations (Excel)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready to download")
        FAILED = "failed", pgettext_lazy("prepared file", "Failed")
        EXPIRED = "expired", _("Deleted (expired)")

    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        # running → running: the same task, back after its worker was lost, starts again
        Status.RUNNING: {Status.RUNNING, Status.DONE, Status.FAILED},
        Status.DONE: {Status.EXPIRED},
        Status.FAILED: set(),
        Status.EXPIRED: set(),
    }
    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("file"), max_length=30, choices=Kind.choices)
    edition = models.ForeignKey(
        "conference.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="file_jobs",
    )
    query = models.CharField(
        _("filters"),
        max_length=QUERY_MAX,
        blank=True,
        help_text=_("The filters of the list, as a query string."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("to do"), default=0)
    file = models.FileField(
        _("file"), storage=file_jobs_storage, max_length=FILENAME_MAX, blank=True
    )
    filename = models.CharField(_("file name"), max_length=FILENAME_MAX, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=ERROR_MAX, blank=True)
    claim_token = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), null=True, blank=True)

    class Meta:
        verbose_name = _("prepared file")
        verbose_name_plural = _("prepared files")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["edition", "-created_at"], name="filejob_edition_latest_idx"),
            models.Index(fields=["status", "expires_at"], name="filejob_status_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed", "expired"]),
                name="filejob_status_known",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="filejob_progress_within_total",
            ),
            # A file to download exactly while the job is done.
            models.CheckConstraint(
                condition=(Q(status="done") & ~Q(file="") & Q(expires_at__isnull=False))
                | (~Q(status="done") & Q(file="")),
                name="filejob_file_only_when_done",
            ),
            # The same person asking again for the same file while it is being prepared gets
            # that job back: nothing is built twice.
            models.UniqueConstraint(
                fields=["requested_by", "kind", "edition", "query"],
                condition=Q(status__in=["queued", "running"]),
                name="filejob_one_active_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.edition} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
