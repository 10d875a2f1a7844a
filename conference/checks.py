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
