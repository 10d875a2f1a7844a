"""The public pages, cached: they are read often and change a few times a year.

``@public_page`` caches the HTML a view returns to an anonymous visitor (GET, no message waiting)
per path, query and language. Nothing personal is in such a page except the CSRF tokens of its
forms (the language switch's, the registration form's), which are taken out before storing and
put back, the visitor's own, on the way out. A view whose page also depends on something else
(the registration form: the seats words of each province) keeps it with that as ``variant``
(:func:`page_keep`, :func:`page_from`); what such a view reads on every request and changes with
the public pages (the edition, its quotas) it keeps with :func:`remember` or :func:`keep`.
Entries carry the version they were made for, so that the version and the entries a page needs
come in one round trip to the cache (:func:`lookup`).

Invalidation: every save or delete of what these pages show (editions and their chairs, agenda,
participants, programme parts, handovers, provincial units and departments: ``PUBLIC_MODELS``;
public proposals, their answers and documents: ``invalidate_on_change`` in proposals/apps.py),
from a service, the admin or a data migration, moves the cache's version once the transaction
commits, so the next visitor gets a fresh page. What depends on the clock alone (registration
opening, the next edition) is covered by the short lifetime (``PUBLIC_CACHE_SECONDS``).

A leaf helper: no model imports (``provinces`` uses it too); the signals are connected by
``conference.apps`` through ``connect_invalidation``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

PUBLIC_MODELS = (
    "conference.Edition",
    "conference.Chair",
    "conference.AgendaItem",
    "conference.EditionParticipant",
    "conference.ProgrammePart",
    "conference.Handover",
    "provinces.ProvincialUnit",
    "provinces.Department",
    "provinces.Reorganisation",
)
VERSION_KEY = "public-pages:version"
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = rb"\1__CSRF_TOKEN__\2"


def lifetime() -> int:
    return getattr(settings, "PUBLIC_CACHE_SECONDS", 60)


def version() -> int:
    """The public pages' version (0: no caching: turned off, or the cache is down)."""
    if lifetime() <= 0:
        return 0
    try:
        return cache.get_or_set(VERSION_KEY, 1, timeout=None)
    except Exception:  # the cache is down: no caching, never an error page
        return 0


def cache_get(key: str):
    """The cached value, or None (also when the cache is down: the page is simply rendered)."""
    try:
        return cache.get(key)
    except Exception:
        return None


def cache_set(key: str, value) -> None:
    with contextlib.suppress(Exception):  # the cache is down: nothing kept, nothing broken
        cache.set(key, value, lifetime())


def public_pages_changed(**_kwargs) -> None:
    """Every cached public page is stale (after the current transaction commits)."""

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, timeout=None)
        except Exception:  # the cache is down: its pages expire with it
            pass

    transaction.on_commit(bump)


def invalidate_on_change(label: str, *, when=None) -> None:
    """Every save or delete of a ``label`` row (one for which ``when(row)`` is true, if given)
    makes the cached public pages stale once the transaction commits. Apps whose rows the
    public pages show call it from their ``ready()`` (proposals/apps.py)."""

    def changed(sender, instance, **kwargs):
        if when is None or when(instance):
            public_pages_changed()

    model = apps.get_model(label)
    uid = f"public-pages:{label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")


def connect_invalidation() -> None:
    for label in PUBLIC_MODELS:
        invalidate_on_change(label)


def lookup(*keys: str) -> tuple[int, list]:
    """The public pages' version (0: no caching) and what each of ``keys`` holds for that
    version (None: nothing, or something kept for an older version), in one round trip to the
    cache: entries carry the version they were made for (:func:`keep`), so the version and
    the entries are read together rather than one after the other."""
    if lifetime() <= 0:
        return 0, [None] * len(keys)
    try:
        found = cache.get_many([VERSION_KEY, *keys])
    except Exception:  # the cache is down: no caching, never an error page
        return 0, [None] * len(keys)
    current = found.get(VERSION_KEY)
    if current is None:  # not set yet (or lost): nothing kept can be trusted
        return version(), [None] * len(keys)
    values = []
    for key in keys:
        kept = found.get(key)
        values.append(kept[1] if isinstance(kept, tuple) and kept[0] == current else None)
    return current, values


def keep(key: str, value, current: int) -> None:
    """Keep ``value`` under ``key`` for version ``current`` (see :func:`lookup`)."""
    if current and value is not None:
        cache_set(key, (current, value))


def remember(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept until what the public pages show changes (or for their lifetime):
    for what a public view reads on every request and changes with those pages, such as an
    edition and its provinces' quotas. Computed each time while the cache is off or down; a
    result of None is not kept."""
    (value,) = remember_many({name: compute})
    return value


def remember_many(computes: dict[str, Callable[[], Any]]) -> list:
    """:func:`remember` of several names at once, read in one round trip to the cache: the
    value of each name, in the order given."""
    keys = [value_key(name) for name in computes]
    current, values = lookup(*keys)
    for index, (key, compute) in enumerate(zip(keys, computes.values(), strict=True)):
        if values[index] is None:
            values[index] = compute()
            keep(key, values[index], current)
    return values


def value_key(name: str) -> str:
    return f"public-pages:value:{name}"


def page_key(request) -> str:
    """Where the page of ``request`` is kept: per language, path and query (a digest: keys
    stay short, as memcached and Django's key check want)."""
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"public-pages:page:{request.LANGUAGE_CODE}:{path}"


def cacheable(request, current: int) -> bool:
    """Whether ``request`` may get a cached page (of version ``current``, 0: none): an
    anonymous visitor's GET with no message waiting for them (a page for a signed-in user, or
    with a message, is rendered each time)."""
    return bool(
        current
        and request.method == "GET"
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def page_from(kept, request, *, variant: str = "") -> HttpResponse | None:
    """The page ``kept`` (what :func:`lookup` found under :func:`page_key`) if it was kept
    for ``variant`` (what else the page depends on), with the visitor's own CSRF token."""
    if kept is None or kept[0] != variant:
        return None
    return HttpResponse(kept[1].replace(b"__CSRF_TOKEN__", get_token(request).encode()))


def page_keep(request, response, current: int, *, variant: str = "") -> HttpResponse:
    """Keep ``response``, a plain 200 page, for :func:`page_from` (the CSRF tokens taken out)."""
    if response.status_code == 200 and not response.streaming and not response.cookies:
        keep(page_key(request), (variant, _TOKEN.sub(_PLACEHOLDER, response.content)), current)
    return response


def public_page(view):
    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        key = page_key(request)
        current, (kept,) = lookup(key)
        if not cacheable(request, current):
            return view(request, *args, **kwargs)
        page = page_from(kept, request)
        if page is not None:
            return page
        return page_keep(request, view(request, *args, **kwargs), current)

    return cached_view
