"""The organizers' back office in a browser, in Vietnamese and English: logging in lands on the
dashboard, a registration's page, confirming, reversing the decision with a reason, correcting
the email; Enter in a decline reason box never confirms."""

import datetime

import pytest
from django.utils import timezone

from conference.models import EditionParticipant, Registration
from tests.browser.helpers import log_in
from tests.factories import EditionFactory, RegistrationFactory, UserFactory, current_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


TEXTS = {
    "": {
        "dashboard": "Tổng quan",
        "confirm": "Xác nhận",
        "reverse": "Hủy quyết định…",
        "reverse_button": "Hủy quyết định",
        "pending": "Chờ xác nhận",
        "correct": "Sửa thông tin đăng ký",
        "save": "Lưu thay đổi",
    },
    "/en": {
        "dashboard": "Dashboard",
        "confirm": "Confirm",
        "reverse": "Reverse the decision…",
        "reverse_button": "Reverse the decision",
        "pending": "Awaiting confirmation",
        "correct": "Correct the registration",
        "save": "Save the correction",
    },
}


@pytest.fixture
def edition():
    now = timezone.now()
    edition = EditionFactory(
        date=(now + datetime.timedelta(days=30)).date(),
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=20),
        capacity=100,
    )
    EditionParticipant.objects.create(edition=edition, unit=current_unit("01"), quota=5)
    return edition


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_organizer_works_through_dashboard_detail_reversal_and_correction(page, edition, prefix):
    text = TEXTS[prefix]
    UserFactory(username="bantochuc", roles=["organizer"])
    registration = RegistrationFactory(edition=edition, full_name="Nguyễn Thị Hiền")

    log_in(page, "bantochuc", prefix=prefix, lands_on="/dashboard/")
    assert page.locator("h1").inner_text() == text["dashboard"]
    assert page.locator("[data-figure=pending]").inner_text() == "1"

    page.get_by_role("link", name="Nguyễn Thị Hiền").click()
    assert page.locator("h1").inner_text() == "Nguyễn Thị Hiền"
    # Enter in the decline reason box does not confirm.
    page.locator("details.decline-row summary").click()
    page.fill(f"#reason-{registration.pk}", "Trùng người")
    page.get_by_role("button", name=text["confirm"], exact=True).click()
    registration.refresh_from_db()
    assert registration.status == "confirmed"

    page.locator("details.reverse-row summary").click()
    page.check(f"#to-pending-{registration.pk}")
    page.fill(f"#reverse-reason-{registration.pk}", "Xác nhận nhầm")
    page.get_by_role("button", name=text["reverse_button"], exact=True).click()
    page.wait_for_load_state()
    registration.refresh_from_db()
    assert registration.status == "pending"
    assert page.locator("[data-status]").first.inner_text() == text["pending"]
    assert page.locator("[data-action='registration.decision_reversed']").count() == 1

    page.get_by_role("link", name=text["correct"]).click()
    page.fill("input[name=email]", "hien.moi@example.vn")
    page.get_by_role("button", name=text["save"]).click()
    page.wait_for_url(f"**/registrations/{registration.pk}/")
    registration.refresh_from_db()
    assert registration.email == "hien.moi@example.vn"


def test_enter_in_the_decline_reason_box_never_confirms(page, edition):
    UserFactory(username="bantochuc", roles=["organizer"])
    registration = RegistrationFactory(edition=edition)
    log_in(page, "bantochuc", lands_on="/dashboard/")
    page.goto(f"/registrations/?edition={edition.number}")
    page.locator("details.decline-row summary").first.click()
    page.fill(f"#reason-{registration.pk}", "Không đúng thành phần")
    page.press(f"#reason-{registration.pk}", "Enter")
    page.wait_for_load_state()
    registration.refresh_from_db()
    # The row's own form: Enter declines the one registration the reason was typed for.
    assert registration.status == Registration.Status.DECLINED
    page.fill("#bulk-reason", "Lý do")
    page.press("#bulk-reason", "Enter")  # no action chosen: the browser asks for one
    registration.refresh_from_db()
    assert registration.status == Registration.Status.DECLINED
