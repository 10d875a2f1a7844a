"""Celery tasks of the conference app. Thin: ids in, a service does the work."""

from celery import shared_task
from django.conf import settings

from conference.outbox import notification_deliver, notifications_requeue


@shared_task(
    name="conference.deliver_notification",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # A task never outlives OUTBOX_SENDING_TIMEOUT, so a row still "sending" after it is orphaned.
    soft_time_limit=settings.OUTBOX_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.OUTBOX_TASK_TIME_LIMIT,
)
def deliver_notification(self, notification_id: int) -> str:
    """Claim, send and record one outbox row; does nothing when it is not due or not queued."""
    return notification_deliver(notification_id=notification_id, token=self.request.id or "")


@shared_task(name="conference.requeue_notifications", ignore_result=True)
def requeue_notifications() -> dict[str, int]:
    """Periodic (see conference.schedule): dispatch lost rows, requeue rows of dead workers."""
    return notifications_requeue()


@shared_task(name="conference.send_registration_reminders", ignore_result=True)
def send_registration_reminders() -> int:
    """Periodic (see conference.schedule): remind confirmed delegates the day before."""
    from conference.services.registrations import registrations_send_reminders

    return registrations_send_reminders()


@shared_task(name="conference.purge_registrations", ignore_result=True)
def purge_registrations() -> int:
    """Periodic (see conference.schedule): erase registrations one year after their edition."""
    from conference.services.registrations import registrations_purge

    return registrations_purge()


@shared_task(name="conference.expire_unverified_registrations", ignore_result=True)
def expire_unverified_registrations() -> int:
    """Periodic (see conference.schedule): erase registrations whose email was not confirmed."""
    from conference.services.registrations import registrations_expire_unverified

    return registrations_expire_unverified()


@shared_task(name="conference.send_digests", ignore_result=True)
def send_digests() -> int:
    """Periodic (see conference.schedule): one digest per liaison and organizer of what waits
    for their decision, when something new does."""
    from conference.services.messages import digests_send

    return digests_send()


@shared_task(
    name="conference.build_file",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.FILE_JOB_TIME_LIMIT,
    time_limit=settings.FILE_JOB_TIME_LIMIT + 60,
)
def build_file(self, job_id: int) -> str:
    """Claim, build and store one prepared file (badges PDF, XLSX); does nothing when the job
    is not queued (built already, or by another worker)."""
    from conference.services.file_jobs import file_job_run

    return file_job_run(job_id=job_id, token=self.request.id or "")


@shared_task(name="conference.clean_file_jobs", ignore_result=True)
def clean_file_jobs() -> dict[str, int]:
    """Periodic (see conference.schedule): delete expired prepared files, fail dead jobs."""
    from conference.services.file_jobs import file_jobs_clean

    return file_jobs_clean()
