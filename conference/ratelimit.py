"""Per-client rate limits for the public forms, counted in Django's cache.

Written here rather than taken from django-ratelimit: the need is one fixed-window counter per
client IP and form, answered with our own translated 429 page; twenty lines on top of the cache
API do that without another dependency and its settings checks (django-ratelimit refuses to start
on the local-memory cache that the embedded default uses).

Client address (:func:`client_ip`, also django-axes' ``AXES_CLIENT_IP_CALLABLE``, so that the
login lockout and the rate limits see the same visitor): ``REMOTE_ADDR``; behind reverse proxies
set ``RATELIMIT_TRUSTED_PROXIES`` to the number of proxies in front of the site, and the address
the outermost of them appended to ``X-Forwarded-For`` is used. A production site with several
processes needs a shared cache (``CACHE_URL=redis://…``; ``check --deploy`` warns,
conference.W001).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The visitor's IP address, or None when the request carries none.

    With ``settings.RATELIMIT_TRUSTED_PROXIES`` = n > 0, each of the n proxies appended the
    address it received the request from to ``X-Forwarded-For``: the n-th entry from the right is
    the address the outermost trusted proxy saw, the client. Entries further left were written by
    the client and are ignored (a forged header cannot pick the address). A header with fewer
    than n entries, or no valid address at that place, means the request did not come through
    the proxies as configured: ``REMOTE_ADDR`` is used. With n = 0 the header is ignored.
    """
    if request is None:
        return None
    proxies = settings.RATELIMIT_TRUSTED_PROXIES
    if proxies:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = _valid(forwarded[-proxies])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


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


def count(key: str, *, period: int) -> int:
    """How many requests ``key`` counted in the current window (without counting one)."""
    window = int(time.time() // period)
    return cache.get(f"ratelimit:{key}:{window}", 0)


def ratelimit(
    scope: str, *, limit: int | None = None, period: int | None = None, methods=("POST",)
):
    """Refuse a client's ``limit``-plus-first request of ``methods`` within ``period`` seconds
    with HTTP 429. Defaults: ``settings.RATELIMIT_POSTS`` per ``settings.RATELIMIT_PERIOD``
    (30 per 600 seconds)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                window = period or settings.RATELIMIT_PERIOD
                allowed = hit(
                    f"{scope}:{client_ip(request) or 'unknown'}",
                    limit=limit or settings.RATELIMIT_POSTS,
                    period=window,
                )
                if not allowed:
                    return render(
                        request,
                        "conference/registration_ratelimited.html",
                        {"minutes": math.ceil(window / 60)},
                        status=429,
                    )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
