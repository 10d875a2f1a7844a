"""The one place that registers periodic jobs (Celery beat).

``settings.py`` imports ``CELERY_BEAT_SCHEDULE`` from here. Run beat next to the workers:
``celery -A conference beat`` (one beat process per site). Later features add their jobs below.
"""

import environ
from celery.schedules import crontab

env = environ.Env()

# Also settings.OUTBOX_REQUEUE_EVERY (the health check and the README's table use it).
OUTBOX_REQUEUE_EVERY = env.float("OUTBOX_REQUEUE_EVERY", default=30.0)

CELERY_BEAT_SCHEDULE = {
    # Self-healing outbox: dispatch rows whose task was lost, requeue rows of dead workers. A run
    # that waited in the queue for longer than the interval is dropped: the next one does it.
    "outbox-requeue": {
        "task": "conference.requeue_notifications",
        "schedule": OUTBOX_REQUEUE_EVERY,
        "options": {"expires": max(OUTBOX_REQUEUE_EVERY - 1, 1)},
    },
    # Delegate registration: the reminder the day before an edition, every morning at 08:00
    # (Asia/Ho_Chi_Minh); a reminder is never sent twice (one event key per registration).
    "registration-reminders": {
        "task": "conference.send_registration_reminders",
        "schedule": crontab(hour=env.int("REGISTRATION_REMINDER_HOUR", default=8), minute=0),
        "options": {"expires": 3600},
    },
    # Registrations whose email address was not confirmed within REGISTRATION_VERIFY_HOURS are
    # erased (they never held a seat): every 15 minutes.
    "registration-expire-unverified": {
        "task": "conference.expire_unverified_registrations",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    # Personal data: registrations are erased one year after their edition (the consent text
    # promises it, Decree 13/2023/NĐ-CP); nightly at 02:30.
    "registration-purge": {
        "task": "conference.purge_registrations",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 3600},
    },
    # Digests: each liaison and organizer gets ONE email listing what waits for their decision
    # (registrations to confirm, proposals to decide), only when something new waits; daily at
    # DIGEST_HOURS (a crontab hour field: "7" by default, "7,13" for twice a day; then set
    # DIGEST_MIN_INTERVAL_HOURS below the gap).
    "digests": {
        "task": "conference.send_digests",
        "schedule": crontab(hour=env.str("DIGEST_HOURS", default="7"), minute=0),
        "options": {"expires": 3600},
    },
    # Prepared files (all badges as one PDF, the XLSX export): files past FILE_JOB_HOURS are
    # deleted (the job stays as history), jobs whose worker died are failed, lost ones sent
    # again; every ten minutes.
    "file-jobs-clean": {
        "task": "conference.clean_file_jobs",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    # Proposals: liaisons are reminded a few days before an edition's proposal deadline, every
    # morning at 08:00; never twice for the same deadline (the event key names it).
    "proposal-deadline-reminders": {
        "task": "proposals.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 3600},
    },
}
