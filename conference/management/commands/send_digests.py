"""Send the digests of what waits for a decision now (what Celery beat runs daily).

Without a broker (the embedded default, ``make run``) beat does not run: call this command from
cron, e.g. ``0 7 * * * cd /srv/hoinghi && DEBUG=0 .venv/bin/python manage.py send_digests``.
It sends nothing twice: a person gets a digest only when something new waits for them and their
previous one is older than ``DIGEST_MIN_INTERVAL_HOURS``.
"""

from django.core.management.base import BaseCommand

from conference.services.messages import digests_send


class Command(BaseCommand):
    help = "Email each liaison and organizer what waits for their decision (one digest each)."

    def handle(self, *args, **options):
        sent = digests_send()
        self.stdout.write(f"digests sent: {sent}")
