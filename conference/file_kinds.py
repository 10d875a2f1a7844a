"""What each kind of prepared file holds (``conference.services.file_jobs`` builds them): the
registrations of an edition that the organizers' list filters select (``RegistrationFilter``,
read from the job's recorded query string exactly as the list reads them), as

- ``badges_pdf``: their badges in one PDF (``conference.badges``; only confirmed and checked-in
  delegates have one; a selection without any is refused at once);
- ``registrations_xlsx``: the XLSX export (``conference.exports``).

Registered on import (``ConferenceConfig.ready``), so the web server and the worker know them.
"""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conference import badges, exports
from conference.filters import RegistrationFilter
from conference.models import Edition, FileJob, Registration
from conference.services.file_jobs import FileKind, register_file_kind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def job_registrations(job: FileJob):
    """The registrations the job's filters select, in the list's order."""
    data = QueryDict(job.query, mutable=True)
    data["edition"] = str(job.edition.number)
    return RegistrationFilter(data, queryset=Registration.objects.all(), edition=job.edition).qs


def _stamp(job: FileJob) -> str:
    return timezone.localtime(job.started_at or job.created_at).strftime("%Y%m%d-%H%M")


# --- every badge of the list, one PDF ---------------------------------------------------------


def _badges(job: FileJob):
    return badges.with_badges(job_registrations(job))


def _build_badges(job: FileJob, output, progress) -> int:
    return badges.write_badges_pdf(
        edition=Edition.objects.with_host().get(pk=job.edition_id),
        registrations=_badges(job).iterator(chunk_size=500),
        title=gettext("Badges — %(edition)s") % {"edition": job.edition.title},
        output=output,
        progress=progress,
    )


register_file_kind(
    FileKind(
        kind=FileJob.Kind.BADGES_PDF,
        extension="pdf",
        content_type="application/pdf",
        audit_action="badges.export",
        count=lambda job: _badges(job).count(),
        build=_build_badges,
        filename=lambda job: f"badges-{job.edition.ordinal}-{_stamp(job)}.pdf",
        nothing_message=_(
            "No confirmed delegate matches these filters. Badges are issued only for confirmed "
            "registrations."
        ),
    )
)


# --- the registrations, XLSX ------------------------------------------------------------------


def _build_xlsx(job: FileJob, output, progress) -> int:
    return exports.xlsx_write(
        job_registrations(job),
        output,
        sheet_title=gettext("Registrations %(ordinal)s") % {"ordinal": job.edition.ordinal},
        progress=progress,
    )


register_file_kind(
    FileKind(
        kind=FileJob.Kind.REGISTRATIONS_XLSX,
        extension="xlsx",
        content_type=XLSX,
        audit_action="registration.export",
        count=lambda job: job_registrations(job).count(),
        build=_build_xlsx,
        filename=lambda job: f"dang-ky-lan-{job.edition.ordinal}-{_stamp(job)}.xlsx",
    )
)
