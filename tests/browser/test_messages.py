"""An organizer writes to one province's confirmed delegates, previews the email in both
languages, sends it and reads the delivery report; in Vietnamese and English. The outbox runs
in-process (no broker in tests): the report shows the emails sent."""

import datetime

import pytest
from django.utils import timezone

from conference.models import DelegateMessage, EditionParticipant, Registration
from tests.browser.helpers import log_in
from tests.factories import EditionFactory, RegistrationFactory, UserFactory, current_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


TEXTS = {
    "": {
        "choose": "Chọn các đại biểu này",
        "count": "2 đại biểu sẽ nhận thông báo.",
        "preview": "Xem trước",
        "send": "Gửi tới 2 đại biểu",
        "report": "Báo cáo gửi thư",
        "prefix": "[Hội nghị Công Thương phía Bắc lần thứ XL]",
    },
    "/en": {
        "choose": "Choose these delegates",
        "count": "2 delegates will receive the message.",
        "preview": "Preview",
        "send": "Send to 2 delegates",
        "report": "Delivery report",
        "prefix": "[Northern Industry and Trade Conference XL]",
    },
}


@pytest.fixture
def edition():
    edition = EditionFactory(number=40, date=timezone.localdate() + datetime.timedelta(days=30))
    EditionParticipant.objects.create(edition=edition, unit=current_unit("01"))
    EditionParticipant.objects.create(edition=edition, unit=current_unit("31"))
    return edition


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_organizer_writes_to_one_provinces_confirmed_delegates_and_reads_the_report(
    page, edition, mailoutbox, prefix
):
    text = TEXTS[prefix]
    UserFactory(username="bantochuc", roles=["organizer"])
    confirmed = Registration.Status.CONFIRMED
    RegistrationFactory(edition=edition, status=confirmed, email="hien@example.vn")
    RegistrationFactory(edition=edition, status=confirmed, email="binh@example.vn", language="en")
    RegistrationFactory(edition=edition, email="cho@example.vn")  # pending: not chosen
    RegistrationFactory(
        edition=edition, status=confirmed, unit=current_unit("31"), email="hp@example.vn"
    )

    log_in(page, "bantochuc", prefix=prefix, lands_on="/dashboard/")
    page.goto(f"{prefix}/messages/new/?edition=40")
    page.select_option("select[name=unit]", label="Hà Nội")
    page.get_by_role("button", name=text["choose"]).click()
    assert page.locator("[data-testid=recipient-count] strong").inner_text() == text["count"]

    page.fill("input[name=subject]", "Thay đổi giờ khai mạc")
    page.fill("textarea[name=body]", "Hội nghị khai mạc lúc 8 giờ 30.")
    page.fill("input[name=subject_en]", "New opening time")
    page.fill("textarea[name=body_en]", "The conference opens at 8:30.")
    page.get_by_role("button", name=text["preview"], exact=True).click()
    assert page.locator("[data-testid=preview-subject]").all_inner_texts() == [
        "[Hội nghị Công Thương phía Bắc lần thứ XL] Thay đổi giờ khai mạc",
        "[Northern Industry and Trade Conference XL] New opening time",
    ]
    assert mailoutbox == []

    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_url("**/messages/*/")
    assert page.locator("h1").inner_text() == text["report"]
    counts = {
        code: page.locator(f"[data-count={code}]").inner_text()
        for code in ("total", "sent", "queued", "failed", "no_address")
    }
    assert counts == {"total": "2", "sent": "2", "queued": "0", "failed": "0", "no_address": "0"}
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("binh@example.vn", "[Northern Industry and Trade Conference XL] New opening time"),
        ("hien@example.vn", "[Hội nghị Công Thương phía Bắc lần thứ XL] Thay đổi giờ khai mạc"),
    ]
    assert DelegateMessage.objects.count() == 1
