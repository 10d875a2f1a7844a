"""A resend clicked many times at once makes one copy, on PostgreSQL (SQLite serialises writers).
Before the original row was locked, every one of the threads below stored a copy.

Run: DATABASE_URL=postgres://… pytest -m postgres tests/conference/test_outbox_race.py
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from conference.models import Notification
from conference.outbox import notification_queue, notification_resend

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 16


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race test needs PostgreSQL (set DATABASE_URL)")


def test_resend_clicked_at_once_from_many_connections_makes_one_copy():
    original = notification_queue(
        kind="outbox_test",
        recipient="an@example.vn",
        language="vi",
        context={"sender_name": "Ban tổ chức", "requested_at": None},
        event_key="race:1",
    )
    Notification.objects.filter(pk=original.pk).update(status=Notification.Status.FAILED)
    barrier = threading.Barrier(THREADS)
    outcome = {"resent": 0, "refused": 0, "error": 0}
    guard = threading.Lock()

    def resend() -> None:
        try:
            barrier.wait()
            notification_resend(notification=original, actor=None)
            key = "resent"
        except ValidationError:
            key = "refused"
        except Exception:  # noqa: BLE001 - counted and asserted on
            key = "error"
        finally:
            connections.close_all()
        with guard:
            outcome[key] += 1

    threads = [threading.Thread(target=resend) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcome == {"resent": 1, "refused": THREADS - 1, "error": 0}
    assert list(Notification.objects.order_by("pk").values_list("event_key", "resend_of")) == [
        ("race:1", None),
        (f"resend:{original.pk}:1", original.pk),
    ]
