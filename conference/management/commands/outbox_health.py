"""Say whether email delivery works: the broker answers, a worker consumes, the outbox drains.

For monitoring (Nagios-style exit codes): 0 all is well; 1 warning (emails failed in the last
``--failed-within`` hours and need an organizer's look); 2 critical (the broker does not answer,
no worker answers a ping, or emails are stuck longer than self-healing takes). One line per
check on standard output; e.g. from a systemd timer, cron or a monitoring agent::

    .venv/bin/python manage.py outbox_health || alert-the-organizers
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from conference.outbox import outbox_health, stuck_after

OK, WARNING, CRITICAL = 0, 1, 2
LABELS = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL"}


def _age(since: datetime.datetime | None, now: datetime.datetime) -> str:
    if since is None:
        return "-"
    seconds = max(int((now - since).total_seconds()), 0)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


class Command(BaseCommand):
    help = (
        "Check email delivery: broker reachable, a Celery worker answering, no email stuck. "
        "Exit code 0 ok, 1 warning, 2 critical."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=3.0, help="Seconds to wait for the broker and pings."
        )
        parser.add_argument(
            "--failed-within",
            type=float,
            default=24.0,
            help="Hours: emails failed more recently than this make a warning (default 24).",
        )

    def handle(self, *args, timeout: float, failed_within: float, **options):
        now = timezone.now()
        results: list[tuple[str, int, str]] = []
        if settings.CELERY_BROKER_URL:
            results += self._broker_and_workers(timeout)
        else:
            results.append(("worker", OK, "no broker: emails are sent in-process"))

        health = outbox_health(now=now)
        after = stuck_after()
        if health.stuck:
            results.append(
                (
                    "outbox",
                    CRITICAL,
                    f"{health.stuck} stuck (oldest {_age(health.stuck_since, now)}; self-healing "
                    f"takes at most {after['queued']:.0f} s queued, {after['sending']:.0f} s "
                    "sending)",
                )
            )
        else:
            results.append(
                (
                    "outbox",
                    OK,
                    f"drains: nothing stuck; {health.retrying} retrying after an error "
                    f"(oldest {_age(health.retrying_since, now)}); last sent "
                    f"{_age(health.last_sent, now)} ago",
                )
            )
        recent = health.failed_latest and now - health.failed_latest < datetime.timedelta(
            hours=failed_within
        )
        results.append(
            (
                "failed",
                WARNING if recent else OK,
                f"{health.failed} failed in all (latest {_age(health.failed_latest, now)} ago)",
            )
        )
        for name, state, text in results:
            self.stdout.write(f"{LABELS[state]} {name}: {text}")
        code = max(state for _name, state, _text in results)
        if code:
            raise SystemExit(code)

    def _broker_and_workers(self, timeout: float) -> list[tuple[str, int, str]]:
        from conference.celery_app import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=timeout)
        except Exception as error:
            return [
                ("broker", CRITICAL, f"unreachable ({type(error).__name__}: {error})"),
                ("worker", CRITICAL, "unknown: the broker is unreachable"),
            ]
        try:
            replies = app.control.ping(timeout=timeout) or []
        except Exception as error:
            replies, failure = [], f"{type(error).__name__}: {error}"
        else:
            failure = ""
        names = sorted(name for reply in replies for name in reply)
        if names:
            worker = ("worker", OK, f"{len(names)} answering: {', '.join(names)}")
        else:
            worker = ("worker", CRITICAL, f"none answers a ping {failure}".rstrip())
        return [("broker", OK, "reachable"), worker]
