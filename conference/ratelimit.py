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

The shared cache is a convenience, never a reason to refuse a visitor: when it cannot be reached
(Redis stopped or restarting), counting fails open to a counter in this process's memory — the
limit then holds per server process instead of site-wide — and the site keeps answering. The
outage is logged once when it starts and once when the shared cache answers again, not per
request; for ``RATELIMIT_CACHE_RETRY`` seconds after a failure the shared cache is not asked at
all, so no request waits for its connection time-out.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger(__name__)


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
    """Count one request under ``key``; False once more than ``limit`` in the current window.

    Counted in the default cache; while that cache is unavailable, in this process (see the
    module's docstring)."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    count = _FALLBACK.count_in_cache(cache_key, period)
    if count is None:
        count = _FALLBACK.count_locally(cache_key, window=window)
    return count <= limit


class _Fallback:
    """The per-process counters used while the shared cache is unavailable, and the state of
    that outage (so that it is logged once, not for every request)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[int, int]] = {}  # cache key → (window, count)
        self.down_since: float | None = None  # monotonic time the outage was first seen
        self.failed_at = 0.0  # monotonic time of the last failure

    def count_in_cache(self, cache_key: str, period: int) -> int | None:
        """The count after this hit, from the shared cache; None when it cannot be reached."""
        retry = settings.RATELIMIT_CACHE_RETRY
        if self.down_since is not None and time.monotonic() - self.failed_at < retry:
            return None
        try:
            # The window's counter exists but for the first request of the window: count
            # first, and create it only when it was missing (two round trips to the cache, not
            # three, for all requests but one).
            try:
                count = cache.incr(cache_key)
            except ValueError:  # the window's first request (or the counter just expired)
                # (Unless another request created it in between: then count in it.)
                created = cache.add(cache_key, 1, timeout=period + 1)
                count = 1 if created else cache.incr(cache_key)
        except Exception as error:  # the backend's own errors (redis.ConnectionError, OSError …)
            self._failed(error)
            return None
        if self.down_since is not None:
            self._recovered()
        return count

    def count_locally(self, cache_key: str, *, window: int) -> int:
        with self.lock:
            if len(self.counts) > 10_000:  # keep the memory bounded: drop past windows
                self.counts = {k: v for k, v in self.counts.items() if v[0] >= window}
            previous_window, count = self.counts.get(cache_key, (window, 0))
            count = count + 1 if previous_window == window else 1
            self.counts[cache_key] = (window, count)
            return count

    def _failed(self, error: BaseException) -> None:
        with self.lock:
            first = self.down_since is None
            now = time.monotonic()
            if first:
                self.down_since = now
            self.failed_at = now
        if first:
            logger.error(
                "Rate limits: the cache is unavailable (%s: %s); counting per process until it "
                "answers again.",
                type(error).__name__,
                error,
            )

    def _recovered(self) -> None:
        with self.lock:
            since, self.down_since = self.down_since, None
            self.counts.clear()
        if since is not None:
            logger.warning(
                "Rate limits: the cache answers again after %.0f s; counting in it again.",
                time.monotonic() - since,
            )


_FALLBACK = _Fallback()


def count(key: str, *, period: int) -> int:
    """How many requests ``key`` counted in the current window (without counting one); from
    this process's counters while the cache is unavailable."""
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    try:
        return cache.get(cache_key) or 0
    except Exception:  # the backend's own errors: count as hit() does, in this process
        with _FALLBACK.lock:
            counted_window, counted = _FALLBACK.counts.get(cache_key, (window, 0))
        return counted if counted_window == window else 0


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
