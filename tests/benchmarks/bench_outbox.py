"""Benchmark: emails per second through the outbox, next to plain smtplib, on loopback.

    .venv/bin/python tests/benchmarks/bench_outbox.py --count 500

Starts its own Redis (``redis-server`` must be installed) and SMTP server (aiosmtpd), creates a
fresh database (PostgreSQL when DATABASE_URL points at one — a ``test_<name>`` database is created
and dropped —, otherwise a temporary SQLite file), starts one Celery worker, queues N notifications
in one transaction and measures until the SMTP server has received all N. Then it sends the same
message N times with plain smtplib to the same server, once with a connection per message (what
the outbox does) and once over a single connection. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))

from tests.integration.servers import (  # noqa: E402
    CeleryWorker,
    RedisServer,
    SMTPServer,
    database_url,
    wait_for,
    worker_env,
)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.1f} emails/s  ({count} in {seconds:.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="notifications (default 500)")
    parser.add_argument("--concurrency", type=int, default=1, help="worker pool processes")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")

    workdir = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    redis = RedisServer(workdir / "redis").start()
    smtp = SMTPServer().start()
    using_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "psql"))
    if not using_postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "conference.settings",
            "TESTING": "1",
            "DATA_DIR": str(workdir / "data"),
            "CELERY_BROKER_URL": redis.url,
            "EMAIL_URL": smtp.url,
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from conference.models import Notification
    from conference.outbox import _message, notification_queue

    old_name = connection.settings_dict["NAME"]
    if using_postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    worker = CeleryWorker(
        workdir / "celery",
        worker_env(
            database_url=database_url(connection.settings_dict)
            if using_postgres
            else os.environ["DATABASE_URL"],
            broker_url=redis.url,
            email_url=smtp.url,
            data_dir=workdir / "data",
            LOG_LEVEL=os.environ.get("BENCH_WORKER_LOG_LEVEL", "WARNING"),
        ),
        concurrency=args.concurrency,
    )
    try:
        worker.start()
        count = args.count
        context = {"sender_name": "Nguyễn Thị Hiền", "requested_at": None}
        started = time.perf_counter()
        with transaction.atomic():
            for i in range(count):
                notification_queue(
                    kind="outbox_test",
                    recipient=f"dai-bieu-{i}@example.vn",
                    language="vi",
                    context=context,
                    event_key=f"bench:{i}",
                )
            queued = time.perf_counter()
        committed = time.perf_counter()  # the on-commit callbacks have published every task
        wait_for(lambda: smtp.handler.count() >= count, timeout=600, interval=0.01)
        delivered = time.perf_counter()
        sent = Notification.objects.filter(status=Notification.Status.SENT)
        wait_for(lambda: sent.count() == count, timeout=60, interval=0.01)
        received = smtp.handler.notification_ids()
        duplicates = len(received) - len(set(received))

        message = _message(Notification.objects.first()).message().as_bytes(linesep="\r\n")
        sender, recipient = "hoinghi@localhost", "dai-bieu@example.vn"
        smtp.handler.messages.clear()
        t0 = time.perf_counter()
        for _i in range(count):
            with smtplib.SMTP("127.0.0.1", smtp.port) as client:
                client.sendmail(sender, [recipient], message)
        per_message = time.perf_counter() - t0
        t0 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", smtp.port) as client:
            for _i in range(count):
                client.sendmail(sender, [recipient], message)
        one_connection = time.perf_counter() - t0
        assert smtp.handler.count() == 2 * count

        print(f"database: {connection.vendor}, worker pool: {args.concurrency} process(es)")
        print(f"message size: {len(message)} bytes (text + HTML)")
        print(f"queue {count} rows (render + insert):      {queued - started:.2f} s")
        print(f"commit + publish {count} tasks:           {committed - queued:.2f} s")
        print(f"outbox, commit → all received:   {rate(count, delivered - queued)}")
        print(f"outbox, end to end (incl. render): {rate(count, delivered - started)}")
        print(f"smtplib, connection per message: {rate(count, per_message)}")
        print(f"smtplib, one connection:         {rate(count, one_connection)}")
        print(f"rows sent: {sent.count()}/{count}, duplicates received: {duplicates}")
    finally:
        worker.stop()
        connection.close()
        if using_postgres:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        redis.stop()
        smtp.stop()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("kept", workdir)


if __name__ == "__main__":
    main()
