"""A resend clicked many times at once makes one copy, on PostgreSQL (SQLite serialises writers).
Before the original row was locked, every one of the threads below stored a copy.

Run: DATABASE_URL=postgres://… pytest -m postgres tests/conference/test_outbox_race.py
"""

import pytest
from django.core.exceptions import ValidationError

from conference.models import Notification
from conference.outbox import notification_queue, notification_resend
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 16


def test_resend_clicked_at_once_from_many_connections_makes_one_copy():
    original = notification_queue(
        kind="outbox_test",
        recipient="an@example.vn",
        language="vi",
        context={"sender_name": "Ban tổ chức", "requested_at": None},
        event_key="race:1",
    )
    Notification.objects.filter(pk=original.pk).update(status=Notification.Status.FAILED)
    outcome = at_once(
        THREADS,
        lambda n: notification_resend(notification=original, actor=None),
        {ValidationError: "refused"},
    )

    assert outcome == {"ok": 1, "refused": THREADS - 1, "error": 0}
    assert list(Notification.objects.order_by("pk").values_list("event_key", "resend_of")) == [
        ("race:1", None),
        (f"resend:{original.pk}:1", original.pk),
    ]
