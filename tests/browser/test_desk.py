"""The check-in desk, the all-badges PDF and the registration form's seats in a browser, in
Vietnamese and English: a delegate found by name (without accents) and checked in from the list,
the check-in undone with a reason; the camera page without a camera falls back to typing; the
badge index's one PDF of the edition; the form telling a full province before sending."""

import datetime
import re

import pytest
from django.utils import timezone

from conference.models import EditionParticipant, Registration
from tests.browser.helpers import log_in, watch_console
from tests.factories import EditionFactory, RegistrationFactory, UserFactory, current_unit
from tests.pdf import pdf_page_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
def test_badge_index_downloads_all_badges_as_one_pdf(page, edition, prefix):
    UserFactory(username="bantochuc", roles=["organizer"])
    EditionParticipant.objects.create(edition=edition, unit=current_unit("31"))
    for index in range(7):
        RegistrationFactory(edition=edition, full_name=f"Trần Văn Đức {index}", status="confirmed")
    for _index in range(3):
        RegistrationFactory(edition=edition, unit=current_unit("31"), status="confirmed")
    RegistrationFactory(edition=edition, unit=None, organisation_kind="press", status="confirmed")
    log_in(page, "bantochuc", prefix=prefix)
    page.goto(f"{prefix}/editions/{edition.number}/badges/")
    link = page.locator("[data-all-badges]")
    response = page.request.get(link.get_attribute("href"))
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    assert pdf_page_count(response.body()) == 2  # 11 badges, eight a sheet

    page.select_option("select[name=unit]", str(current_unit("31").pk))
    page.locator("main form[method=get] button[type=submit]").click()
    page.wait_for_load_state()
    response = page.request.get(page.locator("[data-all-badges]").get_attribute("href"))
    assert pdf_page_count(response.body()) == 1


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
