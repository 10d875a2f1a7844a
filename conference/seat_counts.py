"""An edition's registrations counted by province and state: one grouped query, cached.

Every page that shows seats (the public form's seats words, the organizers' list and dashboard,
a delegation, the badge index, the desk, the admin's warnings) reads them from
:func:`edition_counts`: ``{unit_id or None: {status: n}}`` for one edition, from one
``GROUP BY unit, status`` over that edition's rows only (``COUNT(*)`` from the index
``registration_unit_status``, read without touching the table). What the figures are compared
with (the capacity, the quotas, who takes part) is read fresh by the caller, so editing those
needs no invalidation.

Cached per edition under a version that every save or delete of one of its registrations (or
of the edition itself) moves — at once, and again when the transaction commits. The first move
makes a change visible at once to the request that made it (and to tests whose transaction never
commits); the second makes sure no other request keeps figures it read before the commit. The
version is read before the database, so figures stored under an old version are never read
again. A registration changed without ``save()`` (``QuerySet.update``, raw SQL, a data
migration) is not heard of: call :func:`edition_changed`, or the entries expire after
``SEAT_COUNTS_CACHE_SECONDS``. 0 turns the cache off; the default is on only with a shared cache
(``CACHE_URL``), since a per-process cache cannot hear of another process's changes.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save


def lifetime() -> int:
    return getattr(settings, "SEAT_COUNTS_CACHE_SECONDS", 0)


def _version_key(edition_id: int) -> str:
    return f"seat-counts:{edition_id}:version"


def _version(edition_id: int) -> int:
    """The edition's current version (0: no caching). A version lost by the cache restarts at
    the clock's nanoseconds: above every version used before, so nothing old is read again."""
    if lifetime() <= 0:
        return 0
    key = _version_key(edition_id)
    try:
        current = cache.get(key)
        if current is None:
            cache.add(key, time.time_ns(), timeout=None)
            current = cache.get(key)
        return current or 0
    except Exception:  # the cache is down: count in the database
        return 0


def versions(edition_ids) -> dict[int, int] | None:
    """The current version of each of ``edition_ids``, read in one round trip to the cache, for
    a figure kept under several editions' versions (the admin's number of rows); None when
    caching is off, the cache cannot be reached or one of them has no version yet."""
    edition_ids = list(edition_ids)
    if lifetime() <= 0 or not edition_ids:
        return None
    keys = {_version_key(pk): pk for pk in edition_ids}
    try:
        found = cache.get_many(list(keys))
    except Exception:
        return None
    if len(found) != len(keys) or not all(found.values()):
        return None
    return {keys[key]: version for key, version in found.items()}


# Within one request, what was read from the cache is read once: a page that shows seats in
# several places (the list's table, its seats line, its number of rows) asks the cache once.
# Only between the request's start and end signals (never in a task or a command, which have no
# end to forget at); a change made by the request itself forgets its edition's figures.
_request = threading.local()


def _request_started(**_kwargs) -> None:
    _request.memo = {}


def _request_finished(**_kwargs) -> None:
    _request.memo = None


def _memo() -> dict | None:
    return getattr(_request, "memo", None)


def kept(key: str, compute: Callable[[], Any]) -> Any:
    """What the cache holds at ``key`` (a key that names the versions it was made for), else
    ``compute()``, stored there for ``lifetime()``; a cache that cannot be reached only means
    computing it."""
    try:
        value = cache.get(key)
    except Exception:
        value = None
    if value is None:
        value = compute()
        with contextlib.suppress(Exception):
            cache.set(key, value, lifetime())
    return value


def cached(edition_id: int, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept until the edition's registrations change (``name``: what it is)."""
    memo = _memo()
    if memo is not None and (edition_id, name) in memo:
        return memo[edition_id, name]
    if memo is not None and (edition_id, None) in memo:
        current = memo[edition_id, None]
    else:
        current = _version(edition_id)
    if not current:
        return compute()
    if memo is not None:
        memo[edition_id, None] = current
    value = kept(f"seat-counts:{edition_id}:{current}:{name}", compute)
    if memo is not None:
        memo[edition_id, name] = value
    return value


def edition_counts(edition_id: int) -> dict[int | None, dict[str, int]]:
    """The edition's registrations by unit (None: without a province) and state."""

    def count() -> dict[int | None, dict[str, int]]:
        Registration = apps.get_model("conference", "Registration")
        result: dict[int | None, dict[str, int]] = {}
        rows = (
            Registration.objects.filter(edition_id=edition_id)
            .order_by()
            .values_list("unit_id", "status")
            # COUNT(*), not COUNT(id): the count is then read from the index
            # (edition, unit, status) alone, without visiting the table (4,6 instead of 12-18 ms
            # at 20,000 rows on PostgreSQL).
            .annotate(n=models.Count("*"))
        )
        for unit_id, status, n in rows:
            result.setdefault(unit_id, {})[status] = n
        return result

    return cached(edition_id, "counts", count)


def total(counts: dict[int | None, dict[str, int]], statuses=None, units=None) -> int:
    """Registrations in ``statuses`` (all when None) of ``units`` (all when None)."""
    return sum(
        n
        for unit_id, by_status in counts.items()
        if units is None or unit_id in units
        for status, n in by_status.items()
        if statuses is None or status in statuses
    )


def edition_changed(edition_id: int | None) -> None:
    """The edition's counts are stale: now, and again once the transaction commits."""
    if edition_id is None or lifetime() <= 0:
        return
    memo = _memo()
    if memo:
        for key in [key for key in memo if key[0] == edition_id]:
            del memo[key]

    def bump():
        key = _version_key(edition_id)
        try:
            cache.incr(key)
        except ValueError:  # no version yet (or lost): a fresh one
            cache.set(key, time.time_ns(), timeout=None)
        except Exception:  # the cache is down: nothing is read from it either
            pass

    bump()
    transaction.on_commit(bump)


def _registration_changed(sender, instance, **_kwargs) -> None:
    edition_changed(instance.edition_id)


def _edition_changed(sender, instance, **_kwargs) -> None:
    edition_changed(instance.pk)


def connect_invalidation() -> None:
    request_started.connect(_request_started, dispatch_uid="seat-counts:request-started")
    request_finished.connect(_request_finished, dispatch_uid="seat-counts:request-finished")
    registration = apps.get_model("conference", "Registration")
    edition = apps.get_model("conference", "Edition")
    for model, receiver in ((registration, _registration_changed), (edition, _edition_changed)):
        uid = f"seat-counts:{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete")
