"""Two transactions queue the same email at the same time (PostgreSQL, real concurrency)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from conference.models import Notification
from conference.outbox import notification_queue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def queue(**kwargs):
    return notification_queue(
        kind="outbox_test",
        recipient="an@example.vn",
        language="vi",
        context={"sender_name": "An", "requested_at": None},
        event_key="race:1",
        **kwargs,
    )


def test_queue_concurrent_twins_make_one_row_and_one_email(mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    first_inserted, results, errors = threading.Event(), {}, []

    def first():
        try:
            with transaction.atomic():
                results["first"] = queue().pk
                first_inserted.set()
                # hold the uncommitted row while the second transaction runs into it
                threading.Event().wait(1.0)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    def second():
        try:
            first_inserted.wait(10)
            with transaction.atomic():
                # the race: the first row is invisible here, so a check alone would insert a twin
                results["twin_visible"] = Notification.objects.filter(event_key="race:1").exists()
                results["second"] = queue().pk  # blocks on the unique index until the commit
                # the savepoint kept this transaction usable
                results["after"] = Notification.objects.filter(event_key="race:1").count()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert results == {
        "first": results["first"],
        "twin_visible": False,
        "second": results["first"],
        "after": 1,
    }
    assert Notification.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["an@example.vn"]]
