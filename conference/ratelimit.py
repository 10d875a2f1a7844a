"""Per-client rate limits for the public forms, counted in Django's cache.

Written here rather than taken from django-ratelimit: the need is one fixed-window counter per
client IP and form, answered with our own translated 429 page; twenty lines on top of the cache
API do that without another dependency and its settings checks (django-ratelimit refuses to start
on the local-memory cache that the embedded default uses).

Client IP: ``REMOTE_ADDR``; behind a reverse proxy set ``RATELIMIT_TRUSTED_PROXIES`` to the
number of proxies in front of the site, and the address they append to ``X-Forwarded-For`` is
used. A production site with several processes needs a shared cache (``CACHE_URL=redis://…``).
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_ip(request) -> str:
    proxies = getattr(settings, "RATELIMIT_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one request under ``key``; False once more than ``limit`` in the current window."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def ratelimit(
    scope: str, *, limit: int | None = None, period: int | None = None, methods=("POST",)
):
    """Refuse a client's ``limit``-plus-first request of ``methods`` within ``period`` seconds
    with HTTP 429. Defaults: ``settings.RATELIMIT_POSTS`` per ``settings.RATELIMIT_PERIOD``
    (10 per 600 seconds)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                allowed = hit(
                    f"{scope}:{client_ip(request)}",
                    limit=limit or getattr(settings, "RATELIMIT_POSTS", 10),
                    period=period or getattr(settings, "RATELIMIT_PERIOD", 600),
                )
                if not allowed:
                    return render(
                        request,
                        "conference/registration_ratelimited.html",
                        {"minutes": (period or getattr(settings, "RATELIMIT_PERIOD", 600)) // 60},
                        status=429,
                    )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
