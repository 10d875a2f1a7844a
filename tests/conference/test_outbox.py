import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conference.models import AuditEntry, Notification
from conference.outbox import (
    notification_deliver,
    notification_queue,
    notification_render,
    notification_resend,
    notification_retry,
    notifications_requeue,
    register_kind,
    retry_delay,
)
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Notification.Status

register_kind(
    "outbox_unit_test",
    subject=_("Greetings to %(sender_name)s"),
    template="conference/emails/outbox_test",
)

CONTEXT = {
    "sender_name": "Nguyễn Thị Hiền",
    "requested_at": datetime.datetime(2024, 5, 17, 1, 30, tzinfo=datetime.UTC),
}


def queue(**kwargs):
    values = {
        "kind": "outbox_unit_test",
        "recipient": "an@example.vn",
        "language": "vi",
        "context": CONTEXT,
        "event_key": "unit:1",
    }
    values.update(kwargs)
    return notification_queue(**values)


def test_queue_sends_once_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = queue()
        assert mailoutbox == []
    notification.refresh_from_db()
    assert len(callbacks) == 1
    assert (notification.status, notification.attempts) == (Status.SENT, 1)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["an@example.vn"], "Greetings to Nguyễn Thị Hiền")
    ]
    assert mailoutbox[0].extra_headers["X-Notification-ID"] == str(notification.pk)


def test_queue_nothing_sent_when_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        queue()
        raise Boom
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_queue_same_event_and_recipient_returns_existing_row(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue()
        second = queue(recipient="  AN@example.VN ", language="en")
    assert second.pk == first.pk
    assert len(callbacks) == 1
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_queue_unique_key_holds_in_the_database():
    queue()
    first = Notification.objects.get()
    with pytest.raises(Exception) as error, transaction.atomic():
        Notification.objects.create(
            kind=first.kind,
            event_key=first.event_key,
            recipient=first.recipient,
            language="vi",
            subject="x",
            body_text="x",
            body_html="x",
        )
    assert "notification_unique_event_recipient" in str(error.value) or "UNIQUE" in str(error.value)


def test_queue_invalid_address_is_refused_with_a_message():
    with pytest.raises(ValidationError) as error:
        queue(recipient="not-an-address")
    assert error.value.messages == ["not-an-address is not a valid email address."]
    assert Notification.objects.count() == 0


def test_queue_edition_taken_from_the_object_it_is_about():
    edition = EditionFactory()
    notification = queue(about=edition)
    assert (notification.edition, notification.about) == (edition, edition)


def test_render_english_and_vietnamese_use_their_language():
    english = notification_render(kind="outbox_test", language="en", context=CONTEXT)
    vietnamese = notification_render(kind="outbox_test", language="vi", context=CONTEXT)
    assert english.subject == "Test email from the conference site"
    assert "Requested at: 05/17/2024 8:30 a.m." in english.body_text
    assert "08:30 17/05/2024" in vietnamese.body_text
    assert '<html lang="vi">' in vietnamese.body_html
    assert '<html lang="en">' in english.body_html


def test_render_escapes_html_but_not_text():
    context = {**CONTEXT, "sender_name": '<script>alert("x")</script> & Co'}
    rendered = notification_render(kind="outbox_unit_test", language="en", context=context)
    assert '<script>alert("x")</script> & Co' in rendered.body_text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in rendered.body_html
    assert "<script>" not in rendered.body_html
    assert rendered.subject == 'Greetings to <script>alert("x")</script> & Co'


def test_render_subject_has_no_line_breaks():
    context = {**CONTEXT, "sender_name": "An\r\nBcc: evil@example.com"}
    rendered = notification_render(kind="outbox_unit_test", language="en", context=context)
    assert rendered.subject == "Greetings to An Bcc: evil@example.com"


def test_retry_delay_grows_and_is_capped(settings):
    settings.OUTBOX_RETRY_DELAY = 30
    settings.OUTBOX_RETRY_DELAY_MAX = 200
    assert [retry_delay(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_deliver_skips_a_row_that_is_not_due(mailoutbox):
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert notification_deliver(notification_id=notification.pk, token="t1") == "skipped"
    assert mailoutbox == []


def test_deliver_twice_sends_once(mailoutbox):
    notification = queue()
    assert notification_deliver(notification_id=notification.pk, token="t1") == "sent"
    assert notification_deliver(notification_id=notification.pk, token="t2") == "skipped"
    assert notification_deliver(notification_id=notification.pk, token="t1") == "skipped"
    assert len(mailoutbox) == 1


def test_retry_refuses_a_sent_email():
    notification = queue()
    notification_deliver(notification_id=notification.pk, token="t1")
    with pytest.raises(ValidationError) as error:
        notification_retry(notification=notification, actor=None)
    assert error.value.messages == [
        "Only failed or queued emails can be retried; this one is Sent."
    ]


def test_resend_creates_a_new_row_and_an_audit_entry(
    django_capture_on_commit_callbacks, mailoutbox
):
    organiser = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        original = queue()
    with django_capture_on_commit_callbacks(execute=True):
        copy = notification_resend(notification=original, actor=organiser)
    copy.refresh_from_db()
    assert (copy.status, copy.resend_of, copy.subject, copy.body_html) == (
        Status.SENT,
        original,
        original.subject,
        original.body_html,
    )
    assert copy.event_key.startswith(f"resend:{original.pk}:")
    assert len(mailoutbox) == 2
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.actor, entry.data) == (
        "notification.resend",
        str(original.pk),
        organiser,
        {"new_notification": copy.pk},
    )


def test_requeue_dispatches_overdue_queued_rows(settings, mailoutbox):
    settings.OUTBOX_REQUEUE_AFTER = 60
    notification = queue()  # no commit in this test: its task was never run
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert notifications_requeue() == {"requeued": 0, "failed": 0, "dispatched": 1}
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert len(mailoutbox) == 1
