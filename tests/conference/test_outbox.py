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
    notification_rendered,
    notification_resend,
    notification_retry,
    notifications_requeue,
    register_kind,
    retry_delay,
)
from tests.factories import EditionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


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
        (["an@example.vn"], "[Hội nghị Công Thương phía Bắc] Greetings to Nguyễn Thị Hiền")
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
    assert english.subject == (
        "[Northern Industry and Trade Conference] Test email from the conference site"
    )
    assert "Requested at: 17/05/2024 08:30" in english.body_text
    assert "08:30 17/05/2024" in vietnamese.body_text
    assert '<html lang="vi">' in vietnamese.body_html
    assert '<html lang="en">' in english.body_html


def test_render_escapes_html_but_not_text():
    context = {**CONTEXT, "sender_name": '<script>alert("x")</script> & Co'}
    rendered = notification_render(kind="outbox_unit_test", language="en", context=context)
    assert '<script>alert("x")</script> & Co' in rendered.body_text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in rendered.body_html
    assert "<script>" not in rendered.body_html
    assert rendered.subject == (
        '[Northern Industry and Trade Conference] Greetings to <script>alert("x")</script> & Co'
    )


def test_render_subject_has_no_line_breaks():
    context = {**CONTEXT, "sender_name": "An\r\nBcc: evil@example.com"}
    rendered = notification_render(kind="outbox_unit_test", language="en", context=context)
    assert rendered.subject == (
        "[Northern Industry and Trade Conference] Greetings to An Bcc: evil@example.com"
    )


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


def test_resend_twice_in_a_row_makes_one_copy(django_capture_on_commit_callbacks, mailoutbox):
    """A double click: the second resend finds the first copy still queued and is refused."""
    with django_capture_on_commit_callbacks(execute=True):
        original = queue()
    first = notification_resend(notification=original, actor=None)  # not yet committed: queued
    with pytest.raises(ValidationError) as error:
        notification_resend(notification=original, actor=None)

    assert error.value.messages == [
        "This email has just been resent and that copy is not delivered yet (Queued); resend "
        "it again once the copy is sent or failed."
    ]
    assert list(Notification.objects.order_by("pk").values_list("pk", "event_key", "status")) == [
        (original.pk, "unit:1", Status.SENT),
        (first.pk, f"resend:{original.pk}:1", Status.QUEUED),
    ]
    assert AuditEntry.objects.count() == 1


def test_resend_twice_within_a_minute_is_refused_even_once_the_copy_is_sent(
    django_capture_on_commit_callbacks, mailoutbox
):
    """Without a broker the copy is delivered at once: a double click finds it sent already."""
    with django_capture_on_commit_callbacks(execute=True):
        original = queue()
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_resend(notification=original, actor=None)
    with pytest.raises(ValidationError) as error:
        notification_resend(notification=original, actor=None)

    assert error.value.messages == [
        "This email was resent less than a minute ago; it is not resent twice in a row."
    ]
    assert list(Notification.objects.order_by("pk").values_list("pk", "status")) == [
        (original.pk, Status.SENT),
        (first.pk, Status.SENT),
    ]
    assert len(mailoutbox) == 2


def test_resend_again_a_minute_after_the_copy_makes_a_second_copy(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        original = queue()
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_resend(notification=original, actor=None)
    Notification.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification=original, actor=None)

    assert list(Notification.objects.order_by("pk").values_list("event_key", "status")) == [
        ("unit:1", Status.SENT),
        (f"resend:{original.pk}:1", Status.SENT),
        (f"resend:{original.pk}:2", Status.SENT),
    ]
    assert len(mailoutbox) == 3


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


# --- delivery against a real SMTP server on loopback -------------------------------------------


@pytest.fixture
def smtp(settings):
    from tests.integration.servers import SMTPServer

    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.OUTBOX_RETRY_DELAY = 30
    settings.OUTBOX_RETRY_DELAY_MAX = 1800
    settings.OUTBOX_MAX_ATTEMPTS = 3
    yield server
    server.stop()


def deliver(notification) -> tuple[str, Notification]:
    outcome = notification_deliver(notification_id=notification.pk, token="task-1")
    notification.refresh_from_db()
    return outcome, notification


def make_due(notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())


def test_deliver_smtp_accepts_sends_text_and_html_once(smtp):
    notification = queue()
    outcome, notification = deliver(notification)
    assert (outcome, notification.status, notification.attempts) == ("sent", Status.SENT, 1)
    (message,) = smtp.handler.messages
    parts = {part.get_content_type(): part for part in message.walk()}
    assert sorted(parts) == ["multipart/alternative", "text/html", "text/plain"]
    text = parts["text/plain"].get_payload(decode=True).decode()
    assert text.replace("\r\n", "\n") == notification.body_text
    assert (message["To"], message["Message-ID"], message["X-Notification-ID"]) == (
        "an@example.vn",
        notification.message_id,
        str(notification.pk),
    )


def test_deliver_temporary_rejection_is_retried_later(smtp):
    smtp.handler.replies = {"an@": "451 4.3.0 Mailbox busy, try again later"}
    before = timezone.now()
    outcome, notification = deliver(queue())
    assert (outcome, notification.status, notification.attempts) == ("retry", Status.QUEUED, 1)
    assert notification.last_error == (
        "SMTPRecipientsRefused: an@example.vn: 451 4.3.0 Mailbox busy, try again later"
    )
    delay = (notification.next_attempt_at - before).total_seconds()
    assert 30 <= delay < 32
    assert smtp.handler.messages == []
    # not due yet: a second task does nothing; once due and the server accepts, it is sent
    assert deliver(notification)[0] == "skipped"
    smtp.handler.replies = {}
    make_due(notification)
    outcome, notification = deliver(notification)
    assert (outcome, notification.status, notification.attempts) == ("sent", Status.SENT, 2)
    assert smtp.handler.count() == 1


def test_deliver_permanent_rejection_fails_at_once(smtp):
    smtp.handler.replies = {"an@": "550 5.1.1 No such user here"}
    outcome, notification = deliver(queue())
    assert (outcome, notification.status, notification.attempts, notification.last_error) == (
        "failed",
        Status.FAILED,
        1,
        "SMTPRecipientsRefused: an@example.vn: 550 5.1.1 No such user here",
    )
    assert deliver(notification)[0] == "skipped"


def test_deliver_connection_refused_retries_then_fails_after_the_last_attempt(smtp, settings):
    smtp.stop()
    notification = queue()
    outcomes = []
    for _attempt in range(3):
        make_due(notification)
        outcome, notification = deliver(notification)
        outcomes.append((outcome, notification.status, notification.attempts))
    assert outcomes == [
        ("retry", Status.QUEUED, 1),
        ("retry", Status.QUEUED, 2),
        ("failed", Status.FAILED, 3),
    ]
    assert notification.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (source, target)
        for source in Notification.Status.values
        for target in Notification.Status.values
        if target not in Notification.TRANSITIONS[source]
    ],
)
def test_status_illegal_transitions_are_refused(source, target):
    from conference.outbox import _set_status

    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        status=source, sent_at=timezone.now(), claimed_at=timezone.now()
    )
    assert _set_status(notification.pk, to=target) is False
    assert Notification.objects.get(pk=notification.pk).status == source


def test_claim_only_one_of_two_tasks_wins():
    from conference.outbox import notification_claim

    notification = queue()
    assert notification_claim(notification_id=notification.pk, token="a") is True
    assert notification_claim(notification_id=notification.pk, token="b") is False
    # the same task, back after its worker was lost, may take it again
    assert notification_claim(notification_id=notification.pk, token="a") is True
    notification.refresh_from_db()
    assert (notification.status, notification.claim_token, notification.attempts) == (
        Status.SENDING,
        "a",
        2,
    )


def test_requeue_sending_too_long_is_requeued_and_sent(settings, mailoutbox):
    settings.OUTBOX_SENDING_TIMEOUT = 600
    notification = queue()
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=long_ago, claim_token="dead", attempts=1
    )
    assert notifications_requeue() == {"requeued": 1, "failed": 0, "dispatched": 1}
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 2)
    assert len(mailoutbox) == 1


def test_requeue_sending_recently_is_left_alone(settings, mailoutbox):
    settings.OUTBOX_SENDING_TIMEOUT = 600
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now(), claim_token="alive", attempts=1
    )
    assert notifications_requeue() == {"requeued": 0, "failed": 0, "dispatched": 0}
    assert Notification.objects.get(pk=notification.pk).status == Status.SENDING
    assert mailoutbox == []


def test_requeue_sending_too_long_without_attempts_left_fails(settings):
    settings.OUTBOX_SENDING_TIMEOUT = 600
    settings.OUTBOX_MAX_ATTEMPTS = 3
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING,
        claimed_at=timezone.now() - datetime.timedelta(hours=1),
        claim_token="dead",
        attempts=3,
    )
    assert notifications_requeue() == {"requeued": 0, "failed": 1, "dispatched": 0}
    notification.refresh_from_db()
    assert (notification.status, notification.last_error) == (
        Status.FAILED,
        "The worker was lost while sending, and no attempts are left.",
    )


def test_dispatch_with_the_broker_down_keeps_the_row_queued(
    django_capture_on_commit_callbacks, mailoutbox
):
    from conference.celery_app import app
    from tests.integration.servers import free_port

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    app._pool = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notification = queue()  # publishing fails after commit; the request goes on
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.conf.update(saved)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.QUEUED, 0)
    assert mailoutbox == []


def test_outbox_requeue_command_sends_overdue_rows(settings, mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    settings.OUTBOX_REQUEUE_AFTER = 60
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    out = StringIO()
    call_command("outbox_requeue", stdout=out)
    assert out.getvalue() == "requeued 0, failed 0, dispatched 1\n"
    assert Notification.objects.get(pk=notification.pk).status == Status.SENT
    assert len(mailoutbox) == 1


def test_queue_too_long_event_key_is_refused_before_writing():
    with pytest.raises(ValidationError) as error:
        queue(event_key="x" * 201)
    assert error.value.message_dict == {
        "event_key": ["Ensure this value has at most 200 characters (it has 201)."]
    }
    assert Notification.objects.count() == 0


# A context of plain values (what every delegate email has): the bodies are rendered by the
# delivery task, not by the request that queued the email.
PLAIN = {"sender_name": "Nguyễn Thị Hiền", "requested_at": "17/05/2024 08:30"}


def test_queue_plain_context_is_stored_and_rendered_when_sent(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = queue(context=PLAIN)
    queued.refresh_from_db()
    expected = notification_render(kind="outbox_unit_test", language="vi", context=PLAIN)
    assert (queued.subject, queued.body_text, queued.body_html, queued.context) == (
        expected.subject,
        "",
        "",
        PLAIN,
    )
    assert notification_rendered(queued) == expected  # what the delivery log shows meanwhile

    callbacks[0]()
    queued.refresh_from_db()
    (message,) = mailoutbox
    assert (queued.status, queued.body_text, queued.body_html) == (
        Status.SENT,
        expected.body_text,
        expected.body_html,
    )
    assert (message.subject, message.body, message.alternatives[0][0]) == (
        expected.subject,
        expected.body_text,
        expected.body_html,
    )


def test_queue_other_values_are_rendered_at_once():
    notification = queue(context=CONTEXT)  # a datetime: not stored, the bodies are written now
    expected = notification_render(kind="outbox_unit_test", language="vi", context=CONTEXT)
    assert (
        notification.subject,
        notification.body_text,
        notification.body_html,
        notification.context,
    ) == (expected.subject, expected.body_text, expected.body_html, None)


def test_queue_plain_context_twice_keeps_one_row_and_one_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(context=PLAIN)
        second = queue(context={**PLAIN, "sender_name": "Người khác"})
    assert (second.pk, len(callbacks), Notification.objects.count()) == (first.pk, 1, 1)
    assert [m.body.count("Nguyễn Thị Hiền") for m in mailoutbox] == [1]


def test_deliver_renders_once_even_when_sent_again_after_a_lost_worker(mailoutbox):
    notification = queue(context=PLAIN)
    assert notification_deliver(notification_id=notification.pk, token="t1") == "sent"
    notification.refresh_from_db()
    # Claimed again by the same task (its worker was lost after sending): rendered once, the
    # second attempt sends what the row holds.
    sent = (notification.body_text, notification.body_html)
    Notification.objects.filter(pk=notification.pk).update(status=Status.SENDING)
    assert notification_deliver(notification_id=notification.pk, token="t1") == "sent"
    notification.refresh_from_db()
    assert (notification.body_text, notification.body_html) == sent
    assert [m.body for m in mailoutbox] == [sent[0], sent[0]]


def test_deliver_a_context_that_no_longer_renders_is_retried_not_sent(mailoutbox):
    notification = queue(context=PLAIN)
    Notification.objects.filter(pk=notification.pk).update(kind="outbox_kind_removed")
    outcome = notification_deliver(notification_id=notification.pk, token="t1")
    notification.refresh_from_db()
    assert (outcome, notification.status, notification.body_text, mailoutbox) == (
        "retry",
        Status.QUEUED,
        "",
        [],
    )
    assert notification.last_error.startswith("ValueError: Unknown notification kind")


def test_resend_of_an_email_rendered_when_sent_is_the_same_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        original = queue(context=PLAIN)
    with django_capture_on_commit_callbacks(execute=True):
        copy = notification_resend(notification=original, actor=UserFactory(is_staff=True))
    assert [m.body for m in mailoutbox] == [mailoutbox[0].body] * 2
    assert Notification.objects.get(pk=copy.pk).context == PLAIN
