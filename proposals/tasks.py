"""Celery tasks of the proposals. Thin: a service does the work."""

from celery import shared_task


@shared_task(name="proposals.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders() -> int:
    """Periodic (see conference.schedule): remind liaisons a few days before the deadline."""
    from proposals.services import proposal_deadline_reminders_send

    return proposal_deadline_reminders_send()
