"""Every subject names the conference and edition; the confirmation email carries the day's
information, the badge code as a QR image and a calendar file, built when it is sent."""

import datetime

import pytest
from django.utils import translation

from conference import calendar
from conference.models import Notification, Registration
from conference.outbox import notification_render, subject_prefix
from conference.services import registrations as services
from tests.factories import EditionFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(
        number=40,
        date=datetime.date(2046, 10, 16),
        start_time=datetime.time(8, 0),
        end_time=datetime.time(17, 0),
        venue="Trung tâm Hội nghị tỉnh",
        venue_address="Số 1 đường Hùng Vương, phường Việt Trì",
    )


def test_subject_prefix_names_the_conference_and_the_edition_in_each_language(edition):
    prefixes = {}
    for language in ("vi", "en"):
        with translation.override(language):
            prefixes[language] = (subject_prefix(edition), subject_prefix())
    assert prefixes == {
        "vi": ("[Hội nghị Công Thương phía Bắc lần thứ XL]", "[Hội nghị Công Thương phía Bắc]"),
        "en": (
            "[Northern Industry and Trade Conference XL]",
            "[Northern Industry and Trade Conference]",
        ),
    }


def test_render_without_an_edition_names_the_conference_only():
    rendered = notification_render(
        kind="outbox_test", language="vi", context={"sender_name": "An", "requested_at": None}
    )
    assert (
        rendered.subject
        == "[Hội nghị Công Thương phía Bắc] Thư thử nghiệm từ trang thông tin Hội nghị"
    )


def test_confirmation_email_carries_the_day_a_qr_image_and_a_calendar_file(
    edition, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=edition, full_name="Nguyễn Thị Hiền")
    organizer = UserFactory(username="bantochuc", roles=["organizer"])

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration=registration, actor=organizer)

    email = mailoutbox[-1]
    code = registration.badge_code_display
    assert (
        email.subject
        == "[Hội nghị Công Thương phía Bắc lần thứ XL] Đăng ký của Quý đại biểu đã được xác nhận"
    )
    assert "08:00, ngày 16/10/2046" in email.body
    assert "Trung tâm Hội nghị tỉnh, Số 1 đường Hùng Vương, phường Việt Trì, Phú Thọ" in email.body
    html = email.alternatives[0][0]
    assert 'src="cid:badge-qr@hoinghi"' in html
    parts = [
        (part.get_content_type(), part.get_filename(), part.get("Content-ID"))
        for part in email.message().walk()
        if part.get_filename()
    ]
    assert parts == [
        ("image/png", f"ma-the-{code}.png", "<badge-qr@hoinghi>"),
        ("text/calendar", "hoi-nghi-40.ics", None),
    ]
    png = next(p for p in email.message().walk() if p.get_content_type() == "image/png")
    assert png.get_payload(decode=True)[:8] == b"\x89PNG\r\n\x1a\n"
    ics = next(p for p in email.message().walk() if p.get_content_type() == "text/calendar")
    lines = ics.get_payload(decode=True).decode().split("\r\n")
    assert (lines[8], lines[9]) == ("DTSTART:20461016T010000Z", "DTEND:20461016T100000Z")
    assert f"DESCRIPTION:Mã thẻ đại biểu: {code}" in lines


def test_confirmation_row_stores_no_attachment_and_no_token(
    edition, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=edition)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(
            registration=registration, actor=UserFactory(username="btc", roles=["organizer"])
        )

    row = Notification.objects.get(kind="registration_confirmed")
    assert "~token~" in row.body_text
    assert "PNG" not in row.body_html and "VCALENDAR" not in row.body_text


def test_confirmation_of_a_registration_erased_before_sending_has_no_attachment(edition):
    from conference.notifications.registrations import confirmation_attachments

    registration = RegistrationFactory(edition=edition, status=Registration.Status.CONFIRMED)
    row = Notification(kind="registration_confirmed", object_id=str(registration.pk + 1000))

    assert confirmation_attachments(row) == []


def test_calendar_without_a_start_time_is_an_all_day_event(edition):
    edition.start_time = None

    lines = calendar.edition_ics(edition, url="https://x/", uid_host="x").split("\r\n")

    assert (lines[8], lines[9]) == ("DTSTART;VALUE=DATE:20461016", "DTEND;VALUE=DATE:20461017")


def test_day_details_name_the_time_the_place_and_its_address(edition):
    with translation.override("en"):
        details = calendar.day_details(edition)

    assert details == {
        "when": "08:00, 16/10/2046",
        "venue": "Trung tâm Hội nghị tỉnh",
        "address": "Số 1 đường Hùng Vương, phường Việt Trì",
        "unit": "Phú Thọ",
    }
