"""The pages of prepared files: asking (the buttons' form), the job's page, the list, the
download (who may, headers, bytes), and their queries."""

import datetime
import io

import openpyxl
import pytest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation

from conference.models import AuditEntry, FileJob
from conference.private_files import file_jobs_storage
from conference.services import file_jobs as services
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    FileJobFactory,
    LiaisonFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
)
from tests.file_jobs import file_job_url, request_file
from tests.html import texts
from tests.pdf import pdf_page_count

pytestmark = pytest.mark.django_db

XLSX = "registrations_xlsx"


@pytest.fixture
def edition():
    edition = EditionFactory(number=30, year=2026)
    EditionParticipantFactory(edition=edition, unit=current_unit("01"))
    return edition


@pytest.fixture
def organizer(client):
    user = UserFactory(username="bantochuc", first_name="An", last_name="Nguyễn Văn",
                       roles=["organizer"])  # fmt: skip
    client.force_login(user)
    return user


def _done_job(edition, organizer, *, kind=XLSX, query="", count=2):
    for index in range(count):
        RegistrationFactory(edition=edition, full_name=f"Lê Văn {index}", status="confirmed")
    job, _created = services.file_job_request(
        kind=kind, edition=edition, query=query, actor=organizer
    )
    assert services.file_job_run(job_id=job.pk, token="t") == "done"
    job.refresh_from_db()
    return job


def test_file_job_new_builds_and_leads_to_its_page_which_says_what_next(client, edition, organizer):
    RegistrationFactory(edition=edition, full_name="Nguyễn Thị Hiền", status="confirmed")
    response = request_file(client, 30, XLSX, "status=confirmed&q=hien")
    job = FileJob.objects.get()
    assert response["Location"] == file_job_url("file_job_detail", 30, pk=job.pk)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    with translation.override("en"):
        size = filesizeformat(page.context["job"].size)
    assert texts(page, "file-job-ready") == [
        f"The file is ready: 1 item, {size}.".replace("\xa0", " ")
    ]
    assert page.context["filters_text"] == "Status: Confirmed · Search: “hien”"
    assert texts(page, "file-job-download") == [f"Download {job.filename}"]
    body = " ".join(page.content.decode().split())
    assert "Open it in Excel or LibreOffice Calc." in body
    assert "then it is deleted; after that, prepare it again." in body
    assert "data-refresh" not in body  # done: nothing refreshes


def test_file_job_new_asked_twice_while_queued_gives_the_same_page(client, edition, organizer):
    RegistrationFactory(edition=edition, status="confirmed")
    url = file_job_url("file_job_new", 30)
    first = client.post(url, {"kind": XLSX, "query": "status=confirmed"})  # not committed: queued
    second = client.post(url, {"kind": XLSX, "query": "status=confirmed"}, follow=True)
    job = FileJob.objects.get()
    assert first["Location"] == second.redirect_chain[0][0]
    assert [str(message) for message in second.context["messages"]] == [
        "This file was already being prepared for you: here it is."
    ]
    body = " ".join(second.content.decode().split())
    assert job.status == "queued"
    assert 'data-refresh data-status="queued"' in body
    assert '<progress id="file-job-progress" class="file-job-progress">Waiting</progress>' in body


def test_file_job_running_page_shows_a_real_progress_bar(client, edition, organizer):
    job = FileJobFactory(
        edition=edition, requested_by=organizer, status="running", progress_done=120,
        progress_total=400, started_at=timezone.now(),
    )  # fmt: skip
    page = client.get(file_job_url("file_job_detail", 30, pk=job.pk))
    body = " ".join(page.content.decode().split())
    assert (
        '<label class="form-label" for="file-job-progress">120 of 400 done (30%)</label> '
        '<progress id="file-job-progress" class="file-job-progress" max="400" value="120">'
        "30%</progress>"
    ) in body
    assert "conference/file-jobs.js" in body


def test_file_job_new_refuses_an_unknown_kind(client, edition, organizer):
    response = client.post(file_job_url("file_job_new", 30), {"kind": "zip", "query": ""})
    assert response["Location"] == file_job_url("file_job_list", 30)
    assert FileJob.objects.count() == 0
    assert client.get(file_job_url("file_job_new", 30)).status_code == 405


def test_file_job_download_is_the_xlsx_as_an_attachment_never_cached(client, edition, organizer):
    job = _done_job(edition, organizer)
    response = client.get(file_job_url("file_job_download", 30, pk=job.pk))
    content = response.getvalue()
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "private, no-store",
    )
    assert response["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Lê Văn 0",
        "Lê Văn 1",
    ]


def test_file_job_download_is_audited_for_whoever_downloads(client, edition, organizer):
    job = _done_job(edition, organizer)
    colleague = UserFactory(username="dongnghiep", roles=["organizer"])
    client.get(file_job_url("file_job_download", 30, pk=job.pk)).getvalue()
    client.force_login(colleague)
    client.get(file_job_url("file_job_download", 30, pk=job.pk)).getvalue()

    entries = AuditEntry.objects.filter(action="file.download").order_by("pk")
    assert [(entry.subject, entry.actor, entry.data) for entry in entries] == [
        (edition, organizer, {"format": "xlsx", "file_job": job.pk}),
        (edition, colleague, {"format": "xlsx", "file_job": job.pk}),
    ]


def test_file_job_refused_or_unfinished_download_is_not_audited(client, edition, organizer):
    job = _done_job(edition, organizer)
    running = FileJobFactory(edition=edition, requested_by=organizer, query="edition=30&q=x")
    client.get(file_job_url("file_job_download", 30, pk=running.pk))
    client.force_login(LiaisonFactory())
    assert client.get(file_job_url("file_job_download", 30, pk=job.pk)).status_code == 403

    assert AuditEntry.objects.filter(action="file.download").count() == 0


@pytest.mark.pdf
def test_file_job_download_of_badges_is_a_pdf(client, edition, organizer):
    job = _done_job(edition, organizer, kind="badges_pdf", count=9)
    response = client.get(file_job_url("file_job_download", 30, pk=job.pk))
    assert (response["Content-Type"], pdf_page_count(response.getvalue())) == (
        "application/pdf",
        2,
    )


@pytest.mark.parametrize("name", ["file_job_list", "file_job_detail", "file_job_download"])
def test_file_job_pages_refused_to_a_liaison_and_staff(client, edition, name):
    job = _done_job(edition, UserFactory(roles=["organizer"]))
    kwargs = {} if name == "file_job_list" else {"pk": job.pk}
    for user in (LiaisonFactory(), UserFactory(is_staff=True)):
        client.force_login(user)
        assert client.get(file_job_url(name, 30, **kwargs)).status_code == 403
    assert request_file(client, 30, XLSX).status_code == 403
    assert FileJob.objects.count() == 1


def test_file_job_pages_ask_the_anonymous_to_log_in(client, edition):
    job = FileJobFactory(edition=edition)
    response = client.get(file_job_url("file_job_download", 30, pk=job.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_file_job_of_another_edition_is_not_found_under_this_one(client, edition, organizer):
    job = _done_job(edition, organizer)
    other = EditionFactory(number=31, year=2027)
    for name in ("file_job_detail", "file_job_download"):
        assert client.get(file_job_url(name, other.number, pk=job.pk)).status_code == 404


def test_file_job_expired_download_leads_to_its_page_that_offers_it_again(
    client, edition, organizer
):
    job = _done_job(edition, organizer, query="status=confirmed")
    services.file_jobs_clean(now=job.expires_at + datetime.timedelta(seconds=1))
    response = client.get(file_job_url("file_job_download", 30, pk=job.pk))
    assert response["Location"] == file_job_url("file_job_detail", 30, pk=job.pk)
    page = client.get(response["Location"])
    assert page.context["job"].status == "expired"
    assert texts(page, "file-job-retry") == ["Prepare it again"]
    assert 'name="query" value="edition=30&amp;status=confirmed"' in page.content.decode()


def test_file_job_download_of_a_missing_file_says_so(client, edition, organizer):
    job = _done_job(edition, organizer)
    file_jobs_storage().delete(job.file.name)  # e.g. a worker that does not share the folder
    response = client.get(file_job_url("file_job_download", 30, pk=job.pk))
    assert response.status_code == 404
    assert "The file cannot be found on the server." in response.content.decode()


def test_file_job_failed_page_offers_to_try_again(client, edition, organizer):
    job = FileJobFactory(edition=edition, requested_by=organizer, status="failed",
                         error="It took longer than 30 minutes and was stopped.")  # fmt: skip
    page = client.get(file_job_url("file_job_detail", 30, pk=job.pk))
    assert texts(page, "file-job-failed") == [
        "The file could not be prepared. It took longer than 30 minutes and was stopped."
    ]
    assert texts(page, "file-job-retry") == ["Try again"]


def test_file_job_list_shows_each_job_in_words(client, edition, organizer):
    done = _done_job(edition, organizer, query=f"unit={current_unit('01').pk}")
    FileJobFactory(edition=edition, requested_by=None, kind="badges_pdf", status="running",
                   progress_done=1, progress_total=4, query="edition=30&status=confirmed",
                   started_at=timezone.now())  # fmt: skip
    FileJobFactory(edition=EditionFactory(number=31, year=2027))  # another edition's
    page = client.get(file_job_url("file_job_list", 30))
    rows = [(job.pk, job.status, words) for job, words in page.context["rows"]]
    assert rows == [
        (rows[0][0], "running", "Status: Confirmed"),
        (done.pk, "done", "Province or city: Hà Nội"),
    ]
    body = " ".join(page.content.decode().split())
    assert 'id="file-job-rows" data-refresh' in body  # one is running: the page follows it
    assert f"until {timezone.localtime(done.expires_at):%d/%m/%Y %H:%M}" in body


@pytest.mark.parametrize("count", [1, 6])
def test_file_job_list_query_count(client, edition, organizer, count, django_assert_num_queries):
    for index in range(count):
        FileJobFactory(
            edition=edition,
            requested_by=organizer,
            query=f"edition=30&unit={current_unit('01').pk}&q={index}",
        )
    # session, user with their department, edition, the user's roles (the menu), the jobs with who
    # asked, the units named by their filters
    with django_assert_num_queries(6):
        response = client.get(file_job_url("file_job_list", 30))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_file_job_detail_query_count(client, edition, organizer, status, django_assert_num_queries):
    job = FileJobFactory(edition=edition, requested_by=organizer, status=status,
                         query=f"edition=30&unit={current_unit('01').pk}")  # fmt: skip
    # session, user with their department, edition, roles, the job with who asked, its unit's name
    with django_assert_num_queries(6):
        response = client.get(file_job_url("file_job_detail", 30, pk=job.pk))
    assert response.context["filters_text"] == "Province or city: Hà Nội"
