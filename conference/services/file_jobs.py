"""Files prepared in the background: the one engine for every kind of large file the organizers
download (every badge of an edition as one PDF, the registrations as XLSX).

- :func:`file_job_request` (the organizer's button): records the job with the list's filters as a
  canonical query string and the requester's language, writes the audit entry (who took which
  personal data out, Decree 13/2023/NĐ-CP) and hands the job to Celery on commit. The same person
  asking for the same file with the same filters while it is queued or running gets that job
  back (a named conditional unique constraint makes it so even for two clicks at once).
- The task ``conference.build_file`` (ids only) calls :func:`file_job_run`: it claims the job with
  one conditional UPDATE (queued → running; or running and claimed by this very task, back after
  its worker was lost), counts what there is to do, builds the file into a temporary name in
  ``FILE_JOBS_DIR`` writing the progress after every chunk, moves it in place and marks the job
  done, with ``expires_at`` ``FILE_JOB_HOURS`` later. Any error marks it failed with a message in
  the requester's language (the page offers to try again: a new job).
- :func:`file_jobs_clean` (beat, every ten minutes): deletes the files of expired jobs (the row
  stays, "expired"), fails jobs whose worker died or that could not start, and hands queued jobs
  whose task was lost (the broker was down at commit) to Celery again.

What a kind builds is registered by :func:`register_file_kind` (``conference.file_kinds``, which
may read the list's filters; services may not), as the outbox registers its kinds of email.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext_lazy

from conference.models import Edition, FileJob, User
from conference.private_files import file_jobs_storage
from conference.services.audit import audit_record
from conference.text_input import clean_text

logger = logging.getLogger(__name__)

Status = FileJob.Status

AUDIT_ACTIONS = {
    "badges.export": pgettext_lazy("audit action", "badges exported"),
    "file.download": pgettext_lazy("audit action", "prepared file downloaded"),
}

# The registration list's filters (conference.filters.RegistrationFilter), besides the edition.
LIST_FILTERS = ("unit", "status", "organisation_kind", "q")
# A queued job whose task has not started after this many seconds is handed to Celery again.
REDISPATCH_AFTER = 120


Progress = Callable[[int], None]


@dataclass(frozen=True)
class FileKind:
    """What one kind of prepared file is.

    ``count(job)``: how many items (rows, badges) there are to do; ``build(job, output,
    progress)`` writes the file to ``output`` (a binary file), calls ``progress(n)`` after each
    chunk with the number of items done so far, and returns how many it wrote;
    ``filename(job)`` is the name the download is saved under. With ``nothing_message``, a
    request that selects nothing is refused with it (nothing to print)."""

    kind: str
    extension: str
    content_type: str
    audit_action: str
    count: Callable[[FileJob], int]
    build: Callable[[FileJob, BinaryIO, Progress], int]
    filename: Callable[[FileJob], str]
    nothing_message: Any = None
    filters: tuple[str, ...] = LIST_FILTERS


KINDS: dict[str, FileKind] = {}


def register_file_kind(kind: FileKind) -> FileKind:
    if kind.kind not in FileJob.Kind.values:
        raise ValueError(f"{kind.kind!r} is not a FileJob.Kind.")
    KINDS[kind.kind] = kind
    return kind


def get_kind(name: str) -> FileKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown file kind {name!r}: register_file_kind() it first.") from None


class JobLost(Exception):
    """The job is no longer this task's (failed by the clean-up job meanwhile): stop building."""


# --- reading a job ----------------------------------------------------------------------------


def canonical_query(kind: FileKind, query: str, edition: Edition) -> str:
    """The filters of ``query`` that ``kind`` knows, cleaned as the list reads them, in a fixed
    order, with the edition: the same filters always give the same string (asked twice → one
    job)."""
    data = QueryDict(query or "")
    values = [("edition", str(edition.number))]
    for key in kind.filters:
        value = clean_text(data.get(key, ""))[:100].strip()
        if value:
            values.append((key, value))
    return urlencode(values)[: FileJob._meta.get_field("query").max_length]


def job_filters(job: FileJob) -> dict[str, str]:
    """The filters of a job as a dict (``{"edition": "30", "status": "confirmed"}``)."""
    return dict(QueryDict(job.query).items())


def _language() -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    language = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    if language not in codes:
        language = language.split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def _active(*, kind: str, edition: Edition, query: str, actor) -> FileJob | None:
    return FileJob.objects.filter(
        kind=kind, edition=edition, query=query, requested_by=actor, status__in=FileJob.ACTIVE
    ).first()


# --- requesting -------------------------------------------------------------------------------


@transaction.atomic
def file_job_request(
    *, kind: str, edition: Edition, query: str, actor: User
) -> tuple[FileJob, bool]:
    """Ask for a file of ``kind`` for ``edition`` with the list's filters ``query`` (a query
    string). Returns ``(job, created)``: the job already queued or running for the same person,
    kind and filters when there is one, else a new one, built after commit. Raises
    ``ValidationError`` when the kind refuses an empty selection."""
    spec = get_kind(kind)
    query = canonical_query(spec, query, edition)
    existing = _active(kind=kind, edition=edition, query=query, actor=actor)
    if existing is not None:
        return existing, False
    job = FileJob(kind=kind, edition=edition, query=query, language=_language(), requested_by=actor)
    if spec.nothing_message and spec.count(job) == 0:
        raise ValidationError(spec.nothing_message, code="nothing_to_prepare")
    job.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: a twin request at the same moment wins
            job.save(force_insert=True)
    except IntegrityError:
        existing = _active(kind=kind, edition=edition, query=query, actor=actor)
        if existing is None:
            raise
        return existing, False
    audit_record(
        subject=edition,
        action=spec.audit_action,
        actor=actor,
        data={"format": spec.extension, "filters": job_filters(job), "file_job": job.pk},
    )
    transaction.on_commit(partial(file_job_dispatch, job.pk), robust=True)
    return job, True


@transaction.atomic
def file_job_downloaded(*, job: FileJob, actor: User) -> None:
    """Record that ``actor`` downloaded the prepared file of ``job``: the file holds the
    delegates' personal data, and the one who downloads it may not be the one who asked."""
    audit_record(
        subject=job.edition,
        action="file.download",
        actor=actor,
        data={"format": get_kind(job.kind).extension, "file_job": job.pk},
    )


def file_job_dispatch(job_id: int) -> bool:
    """Hand one job to the broker (or build it in-process with no broker). Never raises: a job
    whose task could not be published stays queued and :func:`file_jobs_clean` sends it again."""
    from conference.tasks import build_file

    try:
        build_file.apply_async((job_id,), retry=False)
    except Exception:
        logger.warning("Could not publish file job %s; the clean-up job will retry.", job_id,
                       exc_info=True)  # fmt: skip
        return False
    return True


# --- state changes ----------------------------------------------------------------------------


def _set_status(job_id: int, *, to: str, where: dict | None = None, **fields) -> bool:
    """The one function that changes a job's status: a conditional UPDATE that matches only a
    job whose status may become ``to`` (``FileJob.TRANSITIONS``) and the ``where`` conditions.
    Returns whether the row changed."""
    sources = [source for source, targets in FileJob.TRANSITIONS.items() if to in targets]
    updated = FileJob.objects.filter(pk=job_id, status__in=sources, **(where or {})).update(
        status=to, **fields
    )
    return updated == 1


def file_job_claim(*, job_id: int, token: str) -> bool:
    """Take a job to build it: queued, or running and claimed by this very task (it came back
    after its worker was lost: it starts again). At most one claimer wins."""
    now = timezone.now()
    fields = {"started_at": now, "progress_done": 0}
    claimed = _set_status(
        job_id, to=Status.RUNNING, where={"status": Status.QUEUED}, claim_token=token, **fields
    )
    if not claimed and token:
        claimed = _set_status(
            job_id, to=Status.RUNNING, where={"status": Status.RUNNING, "claim_token": token},
            **fields,
        )  # fmt: skip
    return claimed


def _error_text(error: BaseException) -> str:
    """Why a job failed, in the active language (the requester's)."""
    if isinstance(error, SoftTimeLimitExceeded):
        return gettext("It took longer than %(minutes)s minutes and was stopped.") % {
            "minutes": max(1, settings.FILE_JOB_TIME_LIMIT // 60)
        }
    detail = f"{type(error).__name__}: {error}".strip(": ")
    return gettext("An unexpected error stopped it (%(error)s).") % {"error": detail}


def _stored_name(extension: str) -> str:
    """A random name (the download's name is kept in ``FileJob.filename``)."""
    return f"{secrets.token_hex(1)}/{secrets.token_urlsafe(24)}.{extension}"


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        logger.warning("Could not delete %s", path, exc_info=True)


def file_job_run(*, job_id: int, token: str) -> str:
    """Claim, build, store and record one job; what the task does. Returns ``"skipped"`` (not
    ours to build), ``"done"`` or ``"failed"``. Runs outside any transaction on purpose: the
    progress is committed as it goes, for the page that shows it."""
    if not file_job_claim(job_id=job_id, token=token):
        return "skipped"
    job = FileJob.objects.select_related("edition").get(pk=job_id)
    mine = {"claim_token": token}
    storage = file_jobs_storage()
    name = _stored_name(KINDS[job.kind].extension if job.kind in KINDS else "bin")
    path = Path(storage.path(name))
    temporary = path.with_name(path.name + ".part")
    with translation.override(job.language):
        try:
            spec = get_kind(job.kind)
            total = spec.count(job)
            FileJob.objects.filter(pk=job_id, status=Status.RUNNING, **mine).update(
                progress_total=total, progress_done=0
            )

            def progress(done: int) -> None:
                updated = FileJob.objects.filter(pk=job_id, status=Status.RUNNING, **mine).update(
                    progress_done=min(done, total)
                )
                if not updated:
                    raise JobLost

            path.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as output:
                written = spec.build(job, output, progress)
            filename = spec.filename(job)
            os.replace(temporary, path)
        except JobLost:
            _remove(temporary)
            return "skipped"
        except Exception as error:  # nothing may escape without a state change
            _remove(temporary)
            logger.exception("File job %s failed", job_id)
            message = _error_text(error)[: FileJob._meta.get_field("error").max_length]
            failed = _set_status(
                job_id, to=Status.FAILED, where=mine, finished_at=timezone.now(), error=message
            )
            return "failed" if failed else "skipped"
    now = timezone.now()
    done = _set_status(
        job_id,
        to=Status.DONE,
        where={"status": Status.RUNNING, **mine},
        file=name,
        filename=filename[: FileJob._meta.get_field("filename").max_length],
        size=path.stat().st_size,
        progress_total=written,
        progress_done=written,
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=settings.FILE_JOB_HOURS),
    )
    if not done:  # failed by the clean-up job meanwhile: the file is nobody's
        _remove(path)
        return "skipped"
    return "done"


# --- the periodic clean-up --------------------------------------------------------------------


def file_jobs_clean(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete the files of jobs past ``expires_at`` (the rows stay, "expired"); fail running
    jobs whose worker died (running well past the time limit) and queued jobs that never started;
    hand queued jobs whose task was lost to Celery again."""
    now = now or timezone.now()
    storage = file_jobs_storage()
    expired = 0
    for pk, name in FileJob.objects.filter(status=Status.DONE, expires_at__lte=now).values_list(
        "pk", "file"
    ):
        if _set_status(pk, to=Status.EXPIRED, where={"status": Status.DONE}, file=""):
            expired += 1
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete the expired file %s", name, exc_info=True)
    limit = datetime.timedelta(seconds=settings.FILE_JOB_TIME_LIMIT + 300)
    failed = 0
    for job in FileJob.objects.filter(status__in=FileJob.ACTIVE, created_at__lt=now - limit).only(
        "pk", "status", "language", "started_at", "claim_token"
    ):
        if job.status == Status.RUNNING and job.started_at and job.started_at >= now - limit:
            continue
        with translation.override(job.language):
            message = (
                gettext("It was interrupted (the server preparing it stopped).")
                if job.status == Status.RUNNING
                else gettext("It could not start (the server preparing files did not answer).")
            )
        where = {"status": job.status, "claim_token": job.claim_token}
        failed += _set_status(job.pk, to=Status.FAILED, where=where, finished_at=now, error=message)
    lost = list(
        FileJob.objects.filter(
            status=Status.QUEUED,
            created_at__lt=now - datetime.timedelta(seconds=REDISPATCH_AFTER),
            created_at__gte=now - limit,
        ).values_list("pk", flat=True)
    )
    dispatched = sum(file_job_dispatch(pk) for pk in lost)
    return {"expired": expired, "failed": failed, "dispatched": dispatched}
