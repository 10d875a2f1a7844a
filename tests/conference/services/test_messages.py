"""Messages to delegates (one outbox row per delegate, a submission key against doubles, a
report) and the digests of what waits for a decision."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from conference.models import (
    AuditEntry,
    DelegateMessage,
    DigestSent,
    MessageRecipient,
    Notification,
    Registration,
)
from conference.permissions import ORGANIZER
from conference.services import messages as services
from tests.factories import (
    EditionFactory,
    LiaisonFactory,
    ProposalFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
    department,
)

pytestmark = pytest.mark.django_db

TEXTS = {
    "subject": "Thay đổi giờ khai mạc",
    "body": "Hội nghị khai mạc lúc 8 giờ 30.",
    "subject_en": "New opening time",
    "body_en": "The conference opens at 8:30.",
}


@pytest.fixture
def organizer():
    return UserFactory(username="bantochuc", full_name="Trần Minh Quân", roles=[ORGANIZER])


@pytest.fixture
def edition():
    return EditionFactory(number=40, date=timezone.localdate() + datetime.timedelta(days=20))


def confirmed(edition, **kwargs):
    return RegistrationFactory(edition=edition, status=Registration.Status.CONFIRMED, **kwargs)


def send(edition, registrations, *, organizer, texts=TEXTS, key=None):
    return services.message_send(
        edition=edition,
        registrations=registrations,
        texts=texts,
        key=key or uuid.uuid4(),
        actor=organizer,
        criteria={"edition": str(edition.number), "status": "confirmed"},
        criteria_label="Edition XL · Status: Confirmed",
    )


def test_message_send_queues_one_email_per_delegate_in_their_language(
    edition, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    vi = confirmed(edition, full_name="Nguyễn Thị Hiền", email="hien@example.vn")
    en = confirmed(edition, full_name="Trần Văn Bình", email="binh@example.vn", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        message, created = send(edition, [vi, en], organizer=organizer)

    assert created is True
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("binh@example.vn", "[Northern Industry and Trade Conference XL] New opening time"),
        ("hien@example.vn", "[Hội nghị Công Thương phía Bắc lần thứ XL] Thay đổi giờ khai mạc"),
    ]
    english = next(m for m in mailoutbox if m.to == ["binh@example.vn"])
    assert "The conference opens at 8:30." in english.body
    assert "Dear Mr Trần Văn Bình," in english.body
    assert "/en/registration/manage/~token~/" not in english.body  # the token is put in
    rows = message.recipients.values_list("registration__email", "notification__status")
    assert sorted(rows) == [("binh@example.vn", "sent"), ("hien@example.vn", "sent")]


def test_message_send_without_english_sends_vietnamese_to_everyone(
    edition, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    en = confirmed(edition, email="binh@example.vn", language="en")
    texts = {"subject": "Thông báo", "body": "Nội dung."}

    with django_capture_on_commit_callbacks(execute=True):
        send(edition, [en], organizer=organizer, texts=texts)

    assert [(m.subject, m.extra_headers["Content-Language"]) for m in mailoutbox] == [
        ("[Hội nghị Công Thương phía Bắc lần thứ XL] Thông báo", "vi")
    ]


def test_message_send_twice_with_the_same_key_sends_nothing_more(
    edition, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    registration = confirmed(edition)
    key = uuid.uuid4()

    with django_capture_on_commit_callbacks(execute=True):
        first, created_first = send(edition, [registration], organizer=organizer, key=key)
    with django_capture_on_commit_callbacks(execute=True):
        second, created_second = send(edition, [registration], organizer=organizer, key=key)

    assert (second.pk, created_first, created_second) == (first.pk, True, False)
    assert (len(mailoutbox), DelegateMessage.objects.count(), Notification.objects.count()) == (
        1,
        1,
        1,
    )


def test_message_send_lists_delegates_without_an_address(edition, organizer, mailoutbox):
    with_address = confirmed(edition, email="co@example.vn")
    without = confirmed(edition)
    Registration.objects.filter(pk=without.pk).update(email="")  # entered by staff without one
    without.refresh_from_db()

    message, _created = send(edition, [with_address, without], organizer=organizer)

    rows, counts = services.message_report(message)
    assert sorted((row.recipient.registration_id, row.state) for row in rows) == sorted(
        [(with_address.pk, "queued"), (without.pk, "no_address")]
    )
    assert counts == {
        "queued": 1,
        "sending": 0,
        "sent": 0,
        "failed": 0,
        "no_address": 1,
        "total": 2,
    }


def test_message_send_never_writes_to_an_unverified_address(edition, organizer):
    unverified = RegistrationFactory(edition=edition, status=Registration.Status.UNVERIFIED)
    pending = RegistrationFactory(edition=edition)

    message, _created = send(edition, [unverified, pending], organizer=organizer)

    assert list(message.recipients.values_list("registration_id", flat=True)) == [pending.pk]


def test_message_send_to_nobody_is_refused_and_stores_nothing(edition, organizer):
    with pytest.raises(ValidationError) as error:
        send(edition, [], organizer=organizer)

    assert error.value.messages == [
        "Không có đại biểu nào phù hợp với điều kiện lọc: sẽ không ai nhận được thông báo."
    ]
    assert DelegateMessage.objects.count() == 0


def test_message_send_with_an_english_subject_but_no_english_text_is_refused(edition, organizer):
    texts = {"subject": "Thông báo", "body": "Nội dung.", "subject_en": "Notice"}

    with pytest.raises(ValidationError):
        send(edition, [confirmed(edition)], organizer=organizer, texts=texts)

    assert (DelegateMessage.objects.count(), MessageRecipient.objects.count()) == (0, 0)


def test_message_send_is_audited(edition, organizer):
    registration = confirmed(edition)

    message, _created = send(edition, [registration], organizer=organizer)

    entry = AuditEntry.objects.get(action="message.send")
    assert (entry.actor, entry.object_id, entry.data) == (
        organizer,
        str(message.pk),
        {"edition": 40, "queued": 1, "without_address": 0},
    )


def test_message_report_counts_a_failed_email(edition, organizer):
    registration = confirmed(edition)
    message, _created = send(edition, [registration], organizer=organizer)
    Notification.objects.update(status="failed", last_error="550 No such user")

    _rows, counts = services.message_report(message)

    assert (counts["failed"], counts["queued"], counts["total"]) == (1, 0, 1)


def test_message_preview_shows_both_languages_with_the_link_masked(edition):
    vietnamese = confirmed(edition, full_name="Nguyễn Thị Hiền")
    english = confirmed(edition, full_name="Trần Văn Bình", language="en")

    previews = services.message_preview(
        edition=edition, registrations=[english, vietnamese], texts=TEXTS
    )

    assert [(language, p.subject) for language, p in previews.items()] == [
        ("vi", "[Hội nghị Công Thương phía Bắc lần thứ XL] Thay đổi giờ khai mạc"),
        ("en", "[Northern Industry and Trade Conference XL] New opening time"),
    ]
    assert "/registration/manage/…/" in previews["vi"].body_text
    assert "Nguyễn Thị Hiền," in previews["vi"].body_text
    assert "Dear Mr Trần Văn Bình," in previews["en"].body_text
    assert "~token~" not in previews["vi"].body_text + previews["en"].body_html


def test_erasing_a_registration_removes_its_line_of_the_report(edition, organizer):
    registration = confirmed(edition)
    message, _created = send(edition, [registration], organizer=organizer)

    from conference.services.registrations import registration_erase

    registration_erase(registration=registration)

    assert services.message_report(message)[1]["total"] == 0


# --- digests ----------------------------------------------------------------------------------


def test_digest_tells_a_liaison_of_their_provinces_pending_registrations_once(
    edition, mailoutbox, django_capture_on_commit_callbacks
):
    liaison = LiaisonFactory(username="lienlac", email="lienlac@example.vn")
    RegistrationFactory(edition=edition, full_name="Nguyễn Văn Một")
    RegistrationFactory(edition=edition, full_name="Nguyễn Văn Hai")
    RegistrationFactory(edition=edition, unit=current_unit("31"))  # another province's

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.digests_send()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.digests_send()

    assert (sent, again) == (1, 0)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["lienlac@example.vn"], "[Hội nghị Công Thương phía Bắc] Việc đang chờ ông/bà quyết định")
    ]
    assert "Đăng ký chờ xác nhận — Hội nghị lần thứ XL (2)" in mailoutbox[0].body
    assert "- Nguyễn Văn Hai — Sở Công Thương Hà Nội" in mailoutbox[0].body
    assert "/editions/40/delegation/" in mailoutbox[0].body
    digest = DigestSent.objects.get()
    assert (digest.user, len(digest.items), digest.notification.status) == (liaison, 2, "sent")


def test_digest_is_not_sent_when_nothing_waits(edition, mailoutbox):
    LiaisonFactory(username="lienlac")
    UserFactory(username="bantochuc", roles=[ORGANIZER])
    confirmed(edition)

    assert services.digests_send() == 0
    assert (mailoutbox, DigestSent.objects.count()) == ([], 0)


def test_digest_is_sent_again_only_when_something_new_waits_after_the_interval(edition, settings):
    settings.DIGEST_MIN_INTERVAL_HOURS = 20
    liaison = LiaisonFactory(username="lienlac")
    RegistrationFactory(edition=edition)
    now = timezone.now()
    services.digest_send(user=liaison, now=now)

    same_next_day = services.digest_send(user=liaison, now=now + datetime.timedelta(days=1))
    RegistrationFactory(edition=edition)
    new_within_interval = services.digest_send(user=liaison, now=now + datetime.timedelta(hours=2))
    new_next_day = services.digest_send(user=liaison, now=now + datetime.timedelta(days=1))

    assert (same_next_day, new_within_interval) == (None, None)
    assert len(new_next_day.items) == 2
    assert DigestSent.objects.count() == 2


def test_digest_of_an_organizer_lists_every_province_and_proposals_waiting(
    edition, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="bantochuc", email="btc@example.vn", roles=[ORGANIZER], language="en")
    RegistrationFactory(edition=edition, full_name="Nguyễn Văn Một")
    RegistrationFactory(edition=edition, unit=current_unit("31"), full_name="Lê Thị Hai")
    ProposalFactory(state="submitted", title="Điện mặt trời mái nhà", department=department("22"))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=io.StringIO())

    assert [m.subject for m in mailoutbox] == [
        "[Northern Industry and Trade Conference] What waits for your decision"
    ]
    body = mailoutbox[0].body
    assert "Registrations awaiting confirmation — edition XL (2)" in body
    assert "Proposals waiting for a decision (1)" in body
    assert "- Điện mặt trời mái nhà — Quảng Ninh" in body


def test_digest_job_is_in_the_beat_schedule_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["digests"]
    assert (entry["task"], entry["schedule"].hour, entry["schedule"].minute) == (
        "conference.send_digests",
        {7},
        {0},
    )


def test_criteria_text_names_the_filters_in_the_active_language(edition):
    from django.utils import translation

    criteria = {"edition": "40", "unit": str(current_unit("01").pk), "status": "confirmed"}
    with translation.override("en"):
        text = services.criteria_text(criteria)

    assert text == "Edition XL (2046) · Province or city: Hà Nội · Status: Confirmed"
