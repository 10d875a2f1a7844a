"""The check-in desk, the all-badges PDF and the registration form's seats in a browser, in
Vietnamese and English: a delegate found by name (without accents) and checked in from the list,
the check-in undone with a reason; the camera page without a camera falls back to typing; the
badge index's one PDF of the edition; the form telling a full province before sending."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from conference.models import EditionParticipant, FileJob, Registration
from conference.private_files import file_jobs_storage
from tests.browser.helpers import log_in, watch_console
from tests.factories import EditionFactory, RegistrationFactory, UserFactory, current_unit
from tests.pdf import pdf_page_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUILD_MS = 120_000  # a PDF built inside the request, as with no broker

TEXTS = {
    "": {
        "check_in": "Điểm danh Nguyễn Thị Hiền",
        "checked_in": "✔ Đã điểm danh: Bà Nguyễn Thị Hiền, Hà Nội",
        "undo": "Hủy điểm danh",
        "undone": "↶ Đã hủy điểm danh: Bà Nguyễn Thị Hiền, Hà Nội",
        "camera_checked_in": "✔ Đã điểm danh: Ông Trần Văn Minh, Hà Nội",
        "full": "Hà Nội (hết chỗ: vào danh sách chờ)",
        "full_hint": "Hà Nội: đã hết chỗ. Quý đại biểu vẫn có thể đăng ký vào danh sách chờ: "
        "đánh dấu ô bên dưới.",
        "free_hint": "Hải Phòng: còn chỗ.",
        "prepare_all": "Chuẩn bị tệp PDF tất cả thẻ",
        "ready": "Sẵn sàng tải về",
        "ready_items": "Tệp đã sẵn sàng: {} mục, ",
    },
    "/en": {
        "check_in": "Check in Nguyễn Thị Hiền",
        "checked_in": "✔ Checked in: Ms Nguyễn Thị Hiền, Hà Nội",
        "undo": "Undo the check-in",
        "undone": "↶ Check-in undone: Ms Nguyễn Thị Hiền, Hà Nội",
        "camera_checked_in": "✔ Checked in: Mr Trần Văn Minh, Hà Nội",
        "full": "Hà Nội (full: waiting list)",
        "full_hint": "Hà Nội: all seats are taken. You can still register on the waiting list: "
        "tick the box below.",
        "free_hint": "Hải Phòng: seats are available.",
        "prepare_all": "Prepare the PDF of all badges",
        "ready": "Ready to download",
        "ready_items": "The file is ready: {} items, ",
    },
}


@pytest.fixture
def edition():
    """Held today, so the desk checks in without asking."""
    today = timezone.localdate()
    edition = EditionFactory(year=today.year, date=today)
    EditionParticipant.objects.create(edition=edition, unit=current_unit("01"), quota=10)
    return edition


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_desk_finds_by_name_checks_in_and_undoes(page, edition, prefix):
    text = TEXTS[prefix]
    UserFactory(username="le-tan", is_staff=True)
    hien = RegistrationFactory(
        edition=edition,
        full_name="Nguyễn Thị Hiền",
        salutation=Registration.Salutation.MS,
        status="confirmed",
    )
    RegistrationFactory(edition=edition, full_name="Trần Văn Minh", status="confirmed")
    problems = watch_console(page)
    log_in(page, "le-tan", prefix=prefix)

    page.goto(f"{prefix}/editions/{edition.number}/checkin/")
    page.fill("#checkin-code", "nguyen thi hien")
    page.press("#checkin-code", "Enter")
    page.wait_for_url(re.compile(r"\?q=nguyen\+thi\+hien$"))
    matches = page.locator("[data-match]")
    assert matches.count() == 1
    matches.get_by_role("button", name=text["check_in"], exact=True).click()
    page.wait_for_load_state()
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "checked_in"
    assert page.locator(".checkin-answer").inner_text() == text["checked_in"]
    hien.refresh_from_db()
    assert hien.status == "checked_in"

    page.click("[data-undo]")
    page.fill("input[name=reason]", "Chọn nhầm người")
    page.get_by_role("button", name=text["undo"], exact=True).click()
    page.wait_for_url(re.compile(rf"{prefix}/editions/{edition.number}/checkin/$"))
    assert page.locator(".checkin-answer").inner_text() == text["undone"]
    hien.refresh_from_db()
    assert (hien.status, hien.checked_in_at) == ("confirmed", None)
    assert problems == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_camera_page_without_a_camera_falls_back_to_typing(page, edition, prefix):
    UserFactory(username="le-tan", is_staff=True)
    minh = RegistrationFactory(
        edition=edition,
        full_name="Trần Văn Minh",
        salutation=Registration.Salutation.MR,
        status="confirmed",
    )
    problems = watch_console(page)
    log_in(page, "le-tan", prefix=prefix)
    page.goto(f"{prefix}/editions/{edition.number}/checkin/camera/")
    # Headless Chromium has no camera and no BarcodeDetector: the page stays as without script.
    assert page.locator("[data-qr-scanner]").is_hidden()
    assert page.locator("[data-scanner-fallback]").is_visible()
    page.fill("#checkin-code", minh.badge_code_display.lower())
    page.press("#checkin-code", "Enter")
    page.wait_for_url(re.compile(rf"{prefix}/editions/{edition.number}/checkin/camera/$"))
    assert page.locator(".checkin-answer").inner_text() == TEXTS[prefix]["camera_checked_in"]
    minh.refresh_from_db()
    assert minh.status == "checked_in"
    assert problems == []


@pytest.mark.pdf
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_badge_index_prepares_all_badges_as_one_pdf_then_downloads_it(page, edition, prefix):
    text = TEXTS[prefix]
    UserFactory(username="bantochuc", roles=["organizer"])
    EditionParticipant.objects.create(edition=edition, unit=current_unit("31"))
    for index in range(7):
        RegistrationFactory(edition=edition, full_name=f"Trần Văn Đức {index}", status="confirmed")
    for _index in range(3):
        RegistrationFactory(edition=edition, unit=current_unit("31"), status="confirmed")
    RegistrationFactory(edition=edition, unit=None, organisation_kind="press", status="confirmed")
    problems = watch_console(page)
    log_in(page, "bantochuc", prefix=prefix)
    page.goto(f"{prefix}/editions/{edition.number}/badges/")
    # No broker in the tests (the embedded default): the job runs at commit, inside the POST
    # (PDF layout is slow on a loaded machine), and the page then shows it done.
    page.get_by_role("button", name=text["prepare_all"], exact=True).click(timeout=BUILD_MS)
    page.wait_for_url(re.compile(rf"{prefix}/editions/{edition.number}/files/\d+/$"))
    assert page.locator("#file-job-state-title").inner_text() == text["ready"]
    assert page.locator(".file-job-ready").inner_text().startswith(text["ready_items"].format(11))
    with page.expect_download() as download:
        page.locator(".file-job-download").click()
    assert download.value.suggested_filename.startswith(f"badges-{edition.ordinal}-")
    assert pdf_page_count(Path(download.value.path()).read_bytes()) == 2  # 11 badges, 8 a sheet

    # Hải Phòng only: the filters go with the request
    page.goto(f"{prefix}/editions/{edition.number}/badges/")
    page.select_option("select[name=unit]", str(current_unit("31").pk))
    page.locator("main form[method=get] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("[data-all-badges]").click(timeout=BUILD_MS)
    page.wait_for_url(re.compile(rf"{prefix}/editions/{edition.number}/files/\d+/$"))
    job = FileJob.objects.order_by("-pk").first()
    assert (job.status, job.progress_total) == ("done", 3)
    assert problems == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_prepared_file_page_follows_the_job_until_it_is_ready(page, edition, prefix):
    """A worker builds the file (here: the test moves the job along): the page shows the
    progress and, without being reloaded, the download once it is ready."""
    text = TEXTS[prefix]
    organizer = UserFactory(username="bantochuc", roles=["organizer"])
    job = FileJob.objects.create(
        kind="badges_pdf", edition=edition, query=f"edition={edition.number}", language="vi",
        requested_by=organizer, status="running", started_at=timezone.now(),
        progress_done=40, progress_total=400,
    )  # fmt: skip
    problems = watch_console(page)
    log_in(page, "bantochuc", prefix=prefix)
    page.goto(f"{prefix}/editions/{edition.number}/files/{job.pk}/")
    assert page.locator("#file-job-progress").get_attribute("value") == "40"
    assert page.locator("[data-refresh-hint]").is_hidden()  # the script refreshes the page
    FileJob.objects.filter(pk=job.pk).update(progress_done=200)
    page.locator("#file-job-progress[value='200']").wait_for()
    file_jobs_storage().save("ab/ready.pdf", ContentFile(b"%PDF-1.7 ready"))
    now = timezone.now()
    FileJob.objects.filter(pk=job.pk).update(
        status="done", file="ab/ready.pdf", filename="badges.pdf", size=14, progress_done=400,
        finished_at=now, expires_at=now + datetime.timedelta(hours=24),
    )  # fmt: skip
    page.locator(".file-job-download").wait_for()
    assert page.locator("#file-job-state-title").inner_text() == text["ready"]
    assert page.url.endswith(f"/files/{job.pk}/")  # never reloaded
    assert problems == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_registration_form_tells_a_full_province_before_sending(page, prefix):
    now = timezone.now()
    edition = EditionFactory(
        date=(now + datetime.timedelta(days=30)).date(),
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=20),
        capacity=100,
    )
    EditionParticipant.objects.create(edition=edition, unit=current_unit("01"), quota=1)
    EditionParticipant.objects.create(edition=edition, unit=current_unit("31"), quota=50)
    RegistrationFactory(edition=edition, status="confirmed")  # Hà Nội's one seat
    problems = watch_console(page)
    page.goto(f"{prefix}/editions/{edition.number}/register/")
    hanoi = str(current_unit("01").pk)
    label = page.locator(f"select[name=unit] option[value='{hanoi}']").inner_text()
    assert label == TEXTS[prefix]["full"]
    page.select_option("select[name=unit]", hanoi)
    assert page.locator("p[data-seats-hint]").inner_text() == TEXTS[prefix]["full_hint"]
    page.select_option("select[name=unit]", str(current_unit("31").pk))
    assert page.locator("p[data-seats-hint]").inner_text() == TEXTS[prefix]["free_hint"]
    assert page.locator("input[name=join_waitlist]").is_visible()
    assert problems == []
