"""The outbox's health (conference.outbox.outbox_health) and ``manage.py outbox_health``, without a
broker; with a real Redis and worker see tests/integration/test_resilience.py."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from conference.models import Notification
from conference.outbox import OutboxHealth, notification_queue, outbox_health

pytestmark = pytest.mark.django_db

Status = Notification.Status
NOW = timezone.now()


def row(i: int, **fields) -> Notification:
    notification = notification_queue(
        kind="outbox_test",
        recipient=f"dai-bieu-{i}@example.vn",
        language="vi",
        context={"sender_name": "Nguyễn Thị Hiền", "requested_at": None},
        event_key=f"health:{i}",
    )
    Notification.objects.filter(pk=notification.pk).update(**fields)
    return notification


def ago(seconds: float) -> datetime.datetime:
    return NOW - datetime.timedelta(seconds=seconds)


def run() -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command("outbox_health", stdout=out)
    except SystemExit as exit:
        code = exit.code
    else:
        code = 0
    return code, out.getvalue().splitlines()


def test_outbox_health_counts_and_ages(settings):
    """Defaults: queued rows are stuck 60 + 2 × 30 = 120 s after they were due, sending rows
    90 + 2 × 30 = 150 s after their claim."""
    row(1, next_attempt_at=ago(121))  # stuck
    row(2, next_attempt_at=ago(119))  # the requeue job has time yet
    row(3, status=Status.SENDING, claimed_at=ago(151), claim_token="a", attempts=1)  # stuck
    row(4, status=Status.SENDING, claimed_at=ago(149), claim_token="b", attempts=1)
    row(5, attempts=2, last_error="SMTPServerDisconnected", created_at=ago(600))  # retrying
    row(6, status=Status.FAILED, last_error="550", updated_at=ago(3600))
    row(7, status=Status.FAILED, last_error="550", updated_at=ago(60))
    row(8, status=Status.SENT, sent_at=ago(30))

    assert outbox_health(now=NOW) == OutboxHealth(
        stuck=2,
        stuck_since=ago(151),
        retrying=1,
        retrying_since=ago(600),
        failed=2,
        failed_latest=ago(60),
        last_sent=ago(30),
    )


def test_outbox_health_command_all_well_exits_0():
    row(1, status=Status.SENT, sent_at=timezone.now())

    code, lines = run()

    assert (code, lines[0], lines[2]) == (
        0,
        "OK worker: no broker: emails are sent in-process",
        "OK failed: 0 failed in all (latest - ago)",
    )
    assert lines[1].startswith("OK outbox: drains: nothing stuck; 0 retrying after an error")


def test_outbox_health_command_stuck_email_exits_2():
    row(1, next_attempt_at=timezone.now() - datetime.timedelta(minutes=10, seconds=5))

    code, lines = run()

    assert (code, lines[1]) == (
        2,
        "CRITICAL outbox: 1 stuck (oldest 10 min 5 s; self-healing takes at most 120 s queued, "
        "150 s sending)",
    )


def test_outbox_health_command_recent_failure_exits_1():
    row(1, status=Status.FAILED, last_error="550", updated_at=timezone.now())
    row(2, status=Status.FAILED, last_error="550", updated_at=timezone.now())

    code, lines = run()

    assert (code, lines[2]) == (1, "WARNING failed: 2 failed in all (latest 0 s ago)")
