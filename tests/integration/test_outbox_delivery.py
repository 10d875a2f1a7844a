"""The outbox with real components: PostgreSQL, Redis, Celery worker processes (with beat) and
an SMTP server, all on loopback. Every email must arrive exactly once."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import transaction

from conference.models import Notification
from conference.outbox import notification_queue
from tests.integration.servers import wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = Notification.Status
CONTEXT = {"sender_name": "Nguyễn Thị Hiền", "requested_at": None}


def queue(recipient: str, key: str) -> Notification:
    return notification_queue(
        kind="outbox_test",
        recipient=recipient,
        language="vi",
        context=CONTEXT,
        event_key=key,
    )


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Notification.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def wait_until_all_sent(smtp_server, total: int, *, timeout: float) -> None:
    wait_for(
        lambda: statuses() == {Status.SENT: total} and smtp_server.handler.count() >= total,
        timeout=timeout,
        interval=0.2,
        message=f"not all sent: {statuses()}, {smtp_server.handler.count()} received",
    )
    time.sleep(1.5)  # time for a duplicate to show up, if there were one


def assert_each_received_once(smtp_server) -> None:
    expected = sorted(Notification.objects.values_list("pk", flat=True))
    assert smtp_server.handler.notification_ids() == expected


def test_delivery_200_notifications_each_received_once(start_worker, smtp_server):
    start_worker()
    with transaction.atomic():
        for i in range(200):
            queue(f"dai-bieu-{i}@example.vn", f"bulk:{i}")
    wait_until_all_sent(smtp_server, 200, timeout=90)
    assert_each_received_once(smtp_server)
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_delivery_redis_down_rows_kept_and_delivered_once_after_it_returns(
    start_worker, redis_server, smtp_server
):
    start_worker()
    redis_server.stop()
    for i in range(50):
        with transaction.atomic():  # 50 separate changes, each committing with the broker down
            queue(f"redis-down-{i}@example.vn", f"redis-down:{i}")
    assert statuses() == {Status.QUEUED: 50}
    assert smtp_server.handler.count() == 0
    redis_server.start()  # same port; the worker reconnects and beat's requeue job heals
    wait_until_all_sent(smtp_server, 50, timeout=60)
    assert_each_received_once(smtp_server)


def test_delivery_smtp_down_retried_and_delivered_when_it_returns(start_worker, smtp_server):
    start_worker()
    smtp_server.stop()
    with transaction.atomic():
        for i in range(5):
            queue(f"smtp-down-{i}@example.vn", f"smtp-down:{i}")
    wait_for(
        lambda: all(
            n.attempts >= 2
            and n.status == Status.QUEUED
            and "ConnectionRefusedError" in n.last_error
            for n in Notification.objects.all()
        ),
        timeout=30,
        interval=0.2,
        message="the rows were not retried",
    )
    smtp_server.start()
    wait_until_all_sent(smtp_server, 5, timeout=30)
    assert_each_received_once(smtp_server)


def test_delivery_temporary_rejection_retried_permanent_rejection_failed(start_worker, smtp_server):
    smtp_server.handler.replies = {
        "busy": "451 4.3.0 Mailbox busy, try again later",
        "nobody": "550 5.1.1 No such user here",
    }
    start_worker()
    with transaction.atomic():
        busy = queue("busy@example.vn", "reject:busy")
        nobody = queue("nobody@example.vn", "reject:nobody")
    wait_for(
        lambda: (
            Notification.objects.get(pk=nobody.pk).status == Status.FAILED
            and Notification.objects.get(pk=busy.pk).attempts >= 2
        ),
        timeout=30,
        interval=0.2,
    )
    nobody.refresh_from_db()
    assert (nobody.status, nobody.attempts, nobody.last_error) == (
        Status.FAILED,
        1,
        "SMTPRecipientsRefused: nobody@example.vn: 550 5.1.1 No such user here",
    )
    busy.refresh_from_db()
    assert busy.status in (Status.QUEUED, Status.SENDING)
    assert "451 4.3.0 Mailbox busy" in busy.last_error
    smtp_server.handler.replies = {}
    wait_for(lambda: Notification.objects.get(pk=busy.pk).status == Status.SENT, timeout=30)
    time.sleep(1.5)
    assert smtp_server.handler.notification_ids() == [busy.pk]
    assert Notification.objects.get(pk=nobody.pk).status == Status.FAILED


def test_delivery_pool_process_killed_mid_send_delivered_once(start_worker, smtp_server):
    worker = start_worker(beat=False)  # no requeue job: the task must come back by itself
    smtp_server.handler.hold = 60  # hold the DATA reply: the task is mid-send
    with transaction.atomic():
        row = queue("killed-child@example.vn", "kill:child")
    assert smtp_server.handler.holding.wait(timeout=30)
    assert Notification.objects.get(pk=row.pk).status == Status.SENDING
    (child,) = worker.children()
    smtp_server.handler.hold = 0
    os.kill(child, signal.SIGKILL)  # the pool restarts a child; acks_late brings the task back
    wait_until_all_sent(smtp_server, 1, timeout=30)
    assert_each_received_once(smtp_server)
    assert "WorkerLostError" in worker.log()


def test_delivery_whole_worker_killed_mid_send_delivered_once_after_restart(
    start_worker, smtp_server
):
    worker = start_worker()
    smtp_server.handler.hold = 60
    with transaction.atomic():
        row = queue("killed-worker@example.vn", "kill:worker")
    assert smtp_server.handler.holding.wait(timeout=30)
    smtp_server.handler.hold = 0
    worker.kill()  # SIGKILL to the main process, its pool and beat
    time.sleep(1)
    assert Notification.objects.get(pk=row.pk).status == Status.SENDING
    assert smtp_server.handler.count() == 0
    start_worker()  # beat's requeue job finds the row "sending" for too long
    wait_until_all_sent(smtp_server, 1, timeout=40)
    assert_each_received_once(smtp_server)
    row.refresh_from_db()
    assert row.attempts == 2
