"""Files prepared in the background for the organizers (every badge as one PDF, the XLSX export):
the button that asks for one, the edition's list of them, one job's page (its progress while it
runs, the download when ready) and the download itself.

Thin views: permission (``edition.manage``) → form → ``conference.services.file_jobs`` →
redirect. The download streams the stored file from private storage as an attachment, never
cached; a job of another edition is not found under this edition's address.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conference.forms.file_jobs import FileJobRequestForm
from conference.models import FileJob
from conference.permissions import require
from conference.private_files import file_jobs_storage
from conference.services import file_jobs
from conference.services.messages import criteria_text
from conference.views.shared import edition_or_404, render_edition
from provinces.models import ProvincialUnit

logger = logging.getLogger(__name__)

# The list shows the latest jobs of the edition (older ones are in the admin).
LIST_LIMIT = 50


def _filters_text(job: FileJob, units: dict[int, str]) -> str:
    criteria = {key: value for key, value in file_jobs.job_filters(job).items() if key != "edition"}
    return criteria_text(criteria, units=units) or _("The whole edition")


def _unit_names(jobs: list[FileJob]) -> dict[int, str]:
    ids = {int(unit) for job in jobs if (unit := QueryDict(job.query).get("unit", "")).isdigit()}
    if not ids:
        return {}
    return dict(ProvincialUnit.objects.filter(pk__in=ids).values_list("pk", "name"))


def _job_of(edition, pk: int) -> FileJob:
    job = get_object_or_404(FileJob.objects.select_related("requested_by"), pk=pk, edition=edition)
    job.edition = edition  # read once, with its host
    return job


@login_required
def file_job_list(request, number: int):
    """The files prepared for an edition: what, which filters, who asked, state and progress,
    size, download until it expires."""
    edition = edition_or_404(number)
    require(request.user, "edition.manage")
    jobs = list(FileJob.objects.filter(edition=edition).select_related("requested_by")[:LIST_LIMIT])
    units = _unit_names(jobs)
    rows = [(job, _filters_text(job, units)) for job in jobs]
    return render_edition(
        request,
        "conference/filejob_list.html",
        {
            "edition": edition,
            "rows": rows,
            "limit": LIST_LIMIT,
            "running": any(job.is_active for job in jobs),
            "FILE_JOB_HOURS": settings.FILE_JOB_HOURS,
            "badges_url": reverse("conference:badge_index", kwargs={"number": edition.number}),
            "list_url": f"{reverse('conference:registration_list')}?edition={edition.number}",
        },
    )


@login_required
@require_POST
def file_job_new(request, number: int):
    """Ask for a file (the buttons of the registration list and the badge index): the job's
    page follows, where it is built (or the one already being built for the same request)."""
    edition = edition_or_404(number)
    require(request.user, "edition.manage")
    form = FileJobRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This file cannot be prepared: the request was not understood."))
        return redirect("conference:file_job_list", number=edition.number)
    try:
        job, created = file_jobs.file_job_request(
            kind=form.cleaned_data["kind"],
            edition=edition,
            query=form.cleaned_data["query"],
            actor=request.user,
        )
    except ValidationError as error:
        return render_edition(
            request,
            "conference/filejob_nothing.html",
            {"edition": edition, "message": " ".join(error.messages)},
            status=404,
        )
    if not created:
        messages.info(request, _("This file was already being prepared for you: here it is."))
    return redirect("conference:file_job_detail", number=edition.number, pk=job.pk)


@login_required
def file_job_detail(request, number: int, pk: int):
    """One job: its state and progress (the page refreshes itself while it runs, with a small
    script; without it, a link reloads it), then the download and what to do next."""
    edition = edition_or_404(number)
    require(request.user, "edition.manage")
    job = _job_of(edition, pk)
    units = _unit_names([job])
    return render_edition(
        request,
        "conference/filejob_detail.html",
        {
            "edition": edition,
            "job": job,
            "filters_text": _filters_text(job, units),
            "retry_query": job.query,
            "back_url": _back_url(job),
        },
    )


def _back_url(job: FileJob) -> str:
    """Where the file was asked for: the badge index or the registration list, with its
    filters."""
    if job.kind == FileJob.Kind.BADGES_PDF:
        query = QueryDict(job.query, mutable=True)
        query.pop("edition", None)
        url = reverse("conference:badge_index", kwargs={"number": job.edition.number})
        return f"{url}?{query.urlencode()}" if query else url
    return f"{reverse('conference:registration_list')}?{job.query}"


@login_required
def file_job_download(request, number: int, pk: int):
    """The prepared file, from private storage, as an attachment that no cache keeps."""
    edition = edition_or_404(number)
    require(request.user, "edition.manage")
    job = _job_of(edition, pk)
    if job.status != FileJob.Status.DONE:
        return redirect("conference:file_job_detail", number=edition.number, pk=job.pk)
    try:
        handle = file_jobs_storage().open(job.file.name, "rb")
    except FileNotFoundError:
        logger.warning(
            "Prepared file %s of job %s is missing: do the web server and the worker share "
            "FILE_JOBS_DIR?",
            job.file.name,
            job.pk,
        )
        return render_edition(
            request,
            "conference/filejob_detail.html",
            {
                "edition": edition,
                "job": job,
                "filters_text": _filters_text(job, _unit_names([job])),
                "retry_query": job.query,
                "back_url": _back_url(job),
                "missing": True,
            },
            status=404,
        )
    file_jobs.file_job_downloaded(job=job, actor=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=file_jobs.get_kind(job.kind).content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
