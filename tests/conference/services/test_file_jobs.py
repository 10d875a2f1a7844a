"""Files prepared in the background (conference.services.file_jobs): one job per person, kind
and filters while it runs; one worker builds it; progress, the stored file, failure with a
message in the requester's language, expiry that deletes the file and keeps the row."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from conference.models import AuditEntry, FileJob
from conference.private_files import file_jobs_storage
from conference.services import file_jobs as services
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    FileJobFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
)
from tests.pdf import pdf_page_count, pdf_text

pytestmark = pytest.mark.django_db

Status = FileJob.Status
XLSX = FileJob.Kind.REGISTRATIONS_XLSX
BADGES = FileJob.Kind.BADGES_PDF


@pytest.fixture
def edition():
    edition = EditionFactory(number=30, year=2026)
    EditionParticipantFactory(edition=edition, unit=current_unit("01"))
    return edition


@pytest.fixture
def organizer():
    return UserFactory(username="bantochuc", roles=["organizer"])


def _delegates(edition, count, status="confirmed", **kwargs):
    return [
        RegistrationFactory(
            edition=edition, full_name=f"Trần Văn Đức {index:02d}", status=status, **kwargs
        )
        for index in range(count)
    ]


def _request(edition, actor, kind=XLSX, query=""):
    return services.file_job_request(kind=kind, edition=edition, query=query, actor=actor)


def _stored(job) -> bytes:
    with file_jobs_storage().open(job.file.name, "rb") as handle:
        return handle.read()


# --- requesting ---------------------------------------------------------------------------------


def test_file_job_request_records_the_filters_in_one_spelling_and_the_audit(edition, organizer):
    unit = current_unit("01").pk
    job, created = _request(
        edition, organizer, query=f"q=+hien+&page=3&status=confirmed&unit={unit}&evil=1&edition=99"
    )
    assert created is True
    assert (job.status, job.query, job.language, job.requested_by) == (
        Status.QUEUED,
        f"edition=30&unit={unit}&status=confirmed&q=hien",
        "vi",
        organizer,
    )
    entry = AuditEntry.objects.get(action="registration.export")
    assert (entry.actor, entry.data) == (
        organizer,
        {
            "format": "xlsx",
            "filters": {"edition": "30", "unit": str(unit), "status": "confirmed", "q": "hien"},
            "file_job": job.pk,
        },
    )


def test_file_job_request_the_same_again_while_it_runs_gets_the_same_job(edition, organizer):
    first, _created = _request(edition, organizer, query="status=confirmed")
    again, created = _request(edition, organizer, query="status=confirmed&page=2")
    assert (again, created) == (first, False)
    # someone else, other filters, another kind: jobs of their own
    other_person, created_other = _request(
        edition, UserFactory(roles=["organizer"]), query="status=confirmed"
    )
    other_filters, _ = _request(edition, organizer, query="status=pending")
    _delegates(edition, 1)
    other_kind, _ = _request(edition, organizer, kind=BADGES, query="")
    assert created_other is True
    assert len({first.pk, other_person.pk, other_filters.pk, other_kind.pk}) == 4
    # once it is done, asking again builds a fresh file (the registrations may have changed)
    FileJob.objects.filter(pk=first.pk).update(status=Status.FAILED)
    fresh, created = _request(edition, organizer, query="status=confirmed")
    assert created is True and fresh.pk != first.pk
    assert AuditEntry.objects.filter(action="registration.export").count() == 4


def test_file_job_database_refuses_a_second_active_job_for_the_same_request(edition, organizer):
    job = FileJobFactory(edition=edition, requested_by=organizer, query="edition=30")
    with pytest.raises(IntegrityError), transaction.atomic():
        FileJobFactory(edition=edition, requested_by=organizer, query="edition=30")
    FileJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        FileJobFactory(edition=edition, requested_by=organizer, query="edition=30")


def test_file_job_request_refuses_badges_when_no_one_has_a_badge(edition, organizer):
    _delegates(edition, 2, status="pending")
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            _request(edition, organizer, kind=BADGES)
        messages = refused.value.messages
    assert messages == [
        "No confirmed delegate matches these filters. Badges are issued only for confirmed "
        "registrations."
    ]
    assert (FileJob.objects.count(), AuditEntry.objects.count()) == (0, 0)


# --- building -----------------------------------------------------------------------------------


def test_file_job_is_built_at_commit_in_the_embedded_default(
    edition, organizer, django_capture_on_commit_callbacks
):
    _delegates(edition, 3)
    RegistrationFactory(edition=edition, full_name="Lê Chờ Duyệt", status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = _request(edition, organizer, query="status=confirmed")
    job.refresh_from_db()
    content = _stored(job)
    assert (job.status, job.progress_done, job.progress_total, job.size, job.error) == (
        Status.DONE,
        3,
        3,
        len(content),
        "",
    )
    assert job.expires_at == job.finished_at + datetime.timedelta(hours=24)
    assert job.filename == f"dang-ky-lan-XXX-{timezone.localtime(job.started_at):%Y%m%d-%H%M}.xlsx"
    assert not job.file.name.startswith(
        str(file_jobs_storage().location)
    )  # a relative, random name
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert (sheet.title, names) == (
        "Đăng ký HN lần thứ XXX",
        [f"Trần Văn Đức {i:02d}" for i in range(3)],
    )


def test_file_job_uses_the_language_of_the_request(
    edition, organizer, django_capture_on_commit_callbacks
):
    _delegates(edition, 1)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job, _created = _request(edition, organizer)
    job.refresh_from_db()
    sheet = openpyxl.load_workbook(io.BytesIO(_stored(job))).active
    assert (job.language, sheet.title, sheet["A1"].value, sheet["M2"].value) == (
        "en",
        "Registrations XXX",
        "Code",
        "Confirmed",
    )


@pytest.mark.pdf
def test_file_job_badges_one_pdf_with_progress_per_part(
    edition, organizer, django_capture_on_commit_callbacks
):
    _delegates(edition, 9)
    _delegates(edition, 2, unit=None, organisation_kind="press")
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = _request(edition, organizer, kind=BADGES)
    job.refresh_from_db()
    content = _stored(job)
    assert (job.status, job.progress_done, job.progress_total) == (Status.DONE, 11, 11)
    assert pdf_page_count(content) == 2
    assert " ".join(pdf_text(content).split()).count("Trần Văn Đức") == 11


def test_file_job_claimed_by_one_worker_only(edition, organizer):
    job = FileJobFactory(edition=edition, requested_by=organizer)
    assert services.file_job_claim(job_id=job.pk, token="worker-a") is True
    assert services.file_job_claim(job_id=job.pk, token="worker-b") is False
    # the same task delivered again after its worker was lost takes it back and starts over
    assert services.file_job_claim(job_id=job.pk, token="worker-a") is True
    job.refresh_from_db()
    assert (job.status, job.claim_token) == (Status.RUNNING, "worker-a")
    assert services.file_job_run(job_id=job.pk, token="worker-b") == "skipped"


def test_file_job_run_twice_builds_once(edition, organizer):
    _delegates(edition, 2)
    job = FileJobFactory(edition=edition, requested_by=organizer, kind=XLSX)
    assert services.file_job_run(job_id=job.pk, token="t1") == "done"
    assert services.file_job_run(job_id=job.pk, token="t2") == "skipped"
    assert services.file_job_run(job_id=job.pk, token="t1") == "skipped"
    stored = file_jobs_storage().listdir("")[0]
    assert len(stored) == 1 and len(file_jobs_storage().listdir(stored[0])[1]) == 1


def test_file_job_failure_is_recorded_in_the_requesters_language(
    edition, organizer, settings, tmp_path
):
    _delegates(edition, 2)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.FILE_JOBS_DIR = blocked  # a file where the folder should be: nothing can be stored
    job = FileJobFactory(edition=edition, requested_by=organizer, kind=XLSX, language="en")
    assert services.file_job_run(job_id=job.pk, token="t1") == "failed"
    job.refresh_from_db()
    assert (job.status, job.file.name, job.size) == (Status.FAILED, "", None)
    assert job.error.startswith("An unexpected error stopped it (")
    assert job.finished_at is not None
    # the page's "Try again" asks for the same file: a new job, the failed one stays as history
    again, created = _request(edition, organizer, query=job.query)
    assert created is True and again.pk != job.pk


# --- the clean-up -------------------------------------------------------------------------------


def test_file_jobs_clean_deletes_expired_files_and_keeps_the_rows(edition, organizer):
    _delegates(edition, 1)
    job = FileJobFactory(edition=edition, requested_by=organizer, kind=XLSX)
    services.file_job_run(job_id=job.pk, token="t1")
    job.refresh_from_db()
    name = job.file.name
    assert file_jobs_storage().exists(name)
    before = job.expires_at - datetime.timedelta(seconds=1)
    assert services.file_jobs_clean(now=before) == {"expired": 0, "failed": 0, "dispatched": 0}
    assert services.file_jobs_clean(now=job.expires_at) == {
        "expired": 1,
        "failed": 0,
        "dispatched": 0,
    }
    job.refresh_from_db()
    assert (job.status, job.file.name, job.filename) == (Status.EXPIRED, "", job.filename)
    assert not file_jobs_storage().exists(name)
    assert FileJob.objects.count() == 1


def test_file_jobs_clean_fails_jobs_whose_worker_died_and_sends_lost_ones_again(
    edition, organizer, settings
):
    _delegates(edition, 1)
    now = timezone.now()
    long_ago = now - datetime.timedelta(seconds=settings.FILE_JOB_TIME_LIMIT + 600)
    dead = FileJobFactory(
        edition=edition, status=Status.RUNNING, created_at=long_ago, started_at=long_ago,
        claim_token="t", language="en",
    )  # fmt: skip
    never = FileJobFactory(edition=edition, created_at=long_ago, query="edition=30&q=x")
    lost = FileJobFactory(
        edition=edition, kind=XLSX, created_at=now - datetime.timedelta(minutes=5)
    )
    running = FileJobFactory(
        edition=edition,
        status=Status.RUNNING,
        created_at=now,
        started_at=now,
        query="edition=30&q=y",
    )
    assert services.file_jobs_clean(now=now) == {"expired": 0, "failed": 2, "dispatched": 1}
    states = {
        job.pk: (job.status, job.error)
        for job in FileJob.objects.filter(pk__in=[dead.pk, never.pk, lost.pk, running.pk])
    }
    assert states == {
        dead.pk: (Status.FAILED, "It was interrupted (the server preparing it stopped)."),
        never.pk: (
            Status.FAILED,
            "Không bắt đầu được (máy chủ chuẩn bị tệp không phản hồi).",
        ),
        lost.pk: (Status.DONE, ""),  # sent again and, with no broker, built at once
        running.pk: (Status.RUNNING, ""),
    }


def test_file_job_states_the_database_refuses(edition):
    job = FileJobFactory(edition=edition)
    with pytest.raises(IntegrityError), transaction.atomic():
        FileJob.objects.filter(pk=job.pk).update(status=Status.DONE)  # done without a file
    with pytest.raises(IntegrityError), transaction.atomic():
        FileJob.objects.filter(pk=job.pk).update(progress_done=5, progress_total=4)
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == (Status.QUEUED, 0, 0)
