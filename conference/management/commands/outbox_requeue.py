"""Run the outbox's self-healing job once (what Celery beat runs every minute).

Useful without a broker (the embedded default), e.g. from cron, to send rows left queued for a
retry; with a broker it dispatches them to the workers.
"""

from django.core.management.base import BaseCommand

from conference.outbox import notifications_requeue


class Command(BaseCommand):
    help = "Dispatch queued emails whose task was lost and requeue emails of dead workers."

    def handle(self, *args, **options):
        result = notifications_requeue()
        self.stdout.write(
            "requeued {requeued}, failed {failed}, dispatched {dispatched}".format(**result)
        )
