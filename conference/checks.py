"""System checks of the conference site (``manage.py check``; ``--deploy`` for production)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Cache backends whose data each server process keeps to itself.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """The rate limits of the public forms count in the default cache: a per-process cache
    gives each gunicorn worker its own count, multiplying the limit by the number of workers."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between server "
            "processes: each one counts the rate limits of the public forms on its own.",
            hint="In production set CACHE_URL to a shared cache, e.g. CACHE_URL=redis://127.0.0.1:"
            "6379/1 (the Redis of the Celery broker, another database number).",
            id="conference.W001",
        )
    ]


@register(Tags.compatibility)
def check_outbox_timing(app_configs, **kwargs):
    """The outbox's delays must agree (see the README's table "How long the outbox takes to
    heal"): a row is only requeued as orphaned once its task can no longer be running, and Redis
    redelivers an unacknowledged task only once it can no longer be waiting or running."""
    problems = []
    if settings.OUTBOX_SENDING_TIMEOUT <= settings.OUTBOX_TASK_TIME_LIMIT:
        problems.append(
            Warning(
                "OUTBOX_SENDING_TIMEOUT is not longer than the delivery task's time limit: a row "
                "could be requeued while its task still sends it.",
                id="conference.W002",
            )
        )
    if settings.CELERY_BROKER_URL:
        visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
        longest = settings.OUTBOX_RETRY_DELAY_MAX + settings.OUTBOX_TASK_TIME_LIMIT
        if visibility <= longest:
            problems.append(
                Warning(
                    f"The broker's visibility time-out ({visibility:.0f} s) is not longer than "
                    f"the longest a delivery task stays unacknowledged ({longest:.0f} s: "
                    "OUTBOX_RETRY_DELAY_MAX plus the task's time limit): waiting retries would "
                    "be delivered again and again.",
                    hint="Raise CELERY_VISIBILITY_TIMEOUT or lower OUTBOX_RETRY_DELAY_MAX.",
                    id="conference.W003",
                )
            )
    return problems
