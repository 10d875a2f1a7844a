"""The organizers' pages for messages to delegates: filters → message → preview → send → report."""

import datetime
import re

import pytest
from django.utils import timezone

from conference.models import DelegateMessage, Notification, Registration
from conference.permissions import ORGANIZER
from tests.factories import (
    EditionFactory,
    LiaisonFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
)
from tests.html import form_data, page_text, texts, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(number=40, date=timezone.localdate() + datetime.timedelta(days=20))


@pytest.fixture
def organizer_client(client):
    client.force_login(UserFactory(username="bantochuc", roles=[ORGANIZER]))
    return client


def confirmed(edition, **kwargs):
    return RegistrationFactory(edition=edition, status=Registration.Status.CONFIRMED, **kwargs)


def message_post(**overrides):
    return {
        "subject": "Thay đổi giờ khai mạc",
        "body": "Hội nghị khai mạc lúc 8 giờ 30.",
        "subject_en": "",
        "body_en": "",
        "key": "8d6b5f1e-4b0a-4d7e-9a51-3c1f1b7a2a10",
        "action": "preview",
        **overrides,
    }


def test_message_compose_counts_the_confirmed_delegates_of_one_province(edition, organizer_client):
    hanoi = current_unit("01")
    confirmed(edition)
    confirmed(edition)
    RegistrationFactory(edition=edition)  # pending: not chosen by default
    confirmed(edition, unit=current_unit("31"))

    response = organizer_client.get(url("message_compose"), {"edition": 40, "unit": hanoi.pk})

    assert texts(response, tag="strong")[0] == "2 đại biểu sẽ nhận thông báo."


def test_message_preview_then_send_queues_the_emails_and_shows_the_report(
    edition, organizer_client, mailoutbox, django_capture_on_commit_callbacks
):
    hanoi = current_unit("01")
    first = confirmed(edition, full_name="Nguyễn Thị Hiền", email="hien@example.vn")
    confirmed(edition, unit=current_unit("31"))
    query = f"?edition=40&unit={hanoi.pk}&status=confirmed"

    preview = organizer_client.post(url("message_compose") + query, message_post())
    assert texts(preview, tag="strong")[0] == "1 đại biểu sẽ nhận thông báo."
    assert "[Hội nghị Công Thương phía Bắc lần thứ XL] Thay đổi giờ khai mạc" in page_text(preview)
    assert "Nguyễn Thị Hiền," in texts(preview, "email-preview")[0]
    assert mailoutbox == []
    data = {name: values[0] for name, values in form_data(preview).items()}
    with django_capture_on_commit_callbacks(execute=True):
        sent = organizer_client.post(url("message_compose") + query, {**data, "action": "send"})
    with django_capture_on_commit_callbacks(execute=True):
        again = organizer_client.post(url("message_compose") + query, {**data, "action": "send"})

    message = DelegateMessage.objects.get()
    assert (sent.status_code, sent["Location"]) == (302, url("message_detail", message.pk))
    assert again["Location"] == sent["Location"]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["hien@example.vn"], "[Hội nghị Công Thương phía Bắc lần thứ XL] Thay đổi giờ khai mạc")
    ]
    assert message.criteria == {"edition": "40", "unit": str(hanoi.pk), "status": "confirmed"}
    report = organizer_client.get(sent["Location"])
    assert texts(report, "dash-figure") == ["1", "1", "0", "0", "0"]
    assert (texts(report, tag="td")[0], states(report)) == (
        f"{first.full_name} Hà Nội · hien@example.vn",
        ["sent"],
    )


def states(response) -> list[str]:
    return re.findall(r'<tr data-state="(\w+)"', response.content.decode())


def test_message_compose_shows_the_errors_of_a_half_written_english_text(edition, organizer_client):
    confirmed(edition)

    response = organizer_client.post(
        url("message_compose") + "?edition=40", message_post(subject_en="Notice")
    )

    assert "Vui lòng viết cả nội dung tiếng Anh, hoặc xóa tiêu đề tiếng Anh." in page_text(response)
    assert DelegateMessage.objects.count() == 0


def test_message_pages_are_for_organizers_only(edition, client):
    client.force_login(LiaisonFactory(username="lienlac"))

    assert [client.get(url(name)).status_code for name in ("message_list", "message_compose")] == [
        403,
        403,
    ]


def test_message_report_lists_a_delegate_without_an_address(
    edition, organizer_client, django_capture_on_commit_callbacks
):
    without = confirmed(edition, full_name="Lê Văn Không")
    Registration.objects.filter(pk=without.pk).update(email="")
    confirmed(edition, full_name="Nguyễn Văn Có")
    response = organizer_client.post(url("message_compose") + "?edition=40", message_post())
    data = {name: values[0] for name, values in form_data(response).items()}
    with django_capture_on_commit_callbacks(execute=True):
        sent = organizer_client.post(
            url("message_compose") + "?edition=40", {**data, "action": "send"}
        )

    report = organizer_client.get(sent["Location"])

    assert texts(report, "dash-figure") == ["2", "1", "0", "0", "1"]
    assert sorted(states(report)) == ["no_address", "sent"]
    assert Notification.objects.count() == 1


def test_message_list_query_count_does_not_grow_with_messages(
    edition, organizer_client, django_assert_max_num_queries
):
    from conference.services.messages import message_send

    registration = confirmed(edition)
    organizer = UserFactory(username="nguoigui", roles=[ORGANIZER])

    def one():
        import uuid

        message_send(
            edition=edition,
            registrations=[registration],
            texts={"subject": "A", "body": "B"},
            key=uuid.uuid4(),
            actor=organizer,
        )

    one()
    organizer_client.get(url("message_list"))  # warm the session and the user's roles
    with django_assert_max_num_queries(8) as one_row:
        organizer_client.get(url("message_list"))
    for _ in range(4):
        one()
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = organizer_client.get(url("message_list"))

    assert len(texts(response, tag="tr")) == 1 + 5


def test_message_report_query_count_does_not_grow_with_recipients(
    edition, organizer_client, django_assert_max_num_queries
):
    import uuid

    from conference.services.messages import message_send

    organizer = UserFactory(username="nguoigui", roles=[ORGANIZER])
    few = message_send(
        edition=edition,
        registrations=[confirmed(edition)],
        texts={"subject": "A", "body": "B"},
        key=uuid.uuid4(),
        actor=organizer,
    )[0]
    many = message_send(
        edition=edition,
        registrations=[confirmed(edition) for _ in range(6)],
        texts={"subject": "A", "body": "B"},
        key=uuid.uuid4(),
        actor=organizer,
    )[0]
    organizer_client.get(url("message_detail", few.pk))
    with django_assert_max_num_queries(9) as one_row:
        organizer_client.get(url("message_detail", few.pk))
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = organizer_client.get(url("message_detail", many.pk))

    assert len(texts(response, tag="tr")) == 1 + 6


def test_manage_page_of_a_confirmed_delegate_shows_the_day(edition, client):
    from conference.signing import manage_url

    edition.start_time = datetime.time(8, 0)
    edition.venue_address = "Số 1 đường 17/8, phường Minh Xuân"
    edition.save()
    registration = confirmed(edition)

    response = client.get(manage_url(registration, absolute=False), follow=True)

    assert texts(response, "col-sm-8")[:2] == [
        f"08:00, ngày {edition.date:%d/%m/%Y}",
        "Trung tâm Hội nghị tỉnh Số 1 đường 17/8, phường Minh Xuân Phú Thọ",
    ]
    assert 'src="data:image/svg+xml' in response.content.decode()
