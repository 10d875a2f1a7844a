"""The public pages, cached: they are read often and change a few times a year.

``@public_page`` caches the HTML a view returns to an anonymous visitor (GET, no message waiting)
per path, query and language. Nothing personal is in such a page except the CSRF token of the
language-switch form, which is taken out before storing and put back, the visitor's own, on the
way out.

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
import re

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


def public_page(view):
    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        current = version()
        if (
            not current
            or request.method != "GET"
            or request.user.is_authenticated
            or len(get_messages(request))
        ):
            return view(request, *args, **kwargs)
        key = f"public-pages:{current}:{request.LANGUAGE_CODE}:{request.get_full_path()}"
        body = cache_get(key)
        if body is not None:
            token = get_token(request).encode()
            return HttpResponse(body.replace(b"__CSRF_TOKEN__", token))
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache_set(key, _TOKEN.sub(_PLACEHOLDER, response.content))
        return response

    return cached_view
