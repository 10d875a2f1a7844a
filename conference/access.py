"""Who the signed-in user is, read with one cache round trip instead of three queries.

Every signed-in page needs the user's row (Django's ``AuthenticationMiddleware``), their role
groups (:func:`conference.predicates.roles`) and the department they work for with its unit
(:func:`conference.predicates.department_of`, ``province_of``). With a shared cache
(``ACCESS_CACHE_SECONDS`` > 0, on by default only when ``CACHE_URL`` names one) the
authentication backend :class:`AccessBackend` keeps these three together as one *access record*
per user and hands the predicates a user object that already knows its groups and department.

When it is stale: a record is valid only under the version it was built with — the user's own
version and a generation shared by every user — and all of them are read in one ``get_many``
before the database is read, so a record built from rows another request was changing is never
used once that change commits.

- the user's version moves when the user is saved or deleted (a deactivation, a password
  change, a login's ``last_login``) and when their groups change from the user's side;
- the generation moves (every record is rebuilt once) when a group is saved or deleted or its
  members change from the group's side, and when a ``DepartmentMember``, ``Department`` or
  ``ProvincialUnit`` is saved or deleted (rare: who is a liaison, a reorganisation).

Each version moves at once (so the request that made the change, and a test whose transaction
never commits, sees it) and again when the transaction commits (so no request that read the old
rows before the commit keeps them). A version lost by the cache restarts at the clock's
nanoseconds, above every version used before. What changes without ``save()`` (``QuerySet.update``,
raw SQL, a data migration) is not heard of: call :func:`everyone_changed` or
:func:`user_changed`, or wait ``ACCESS_CACHE_SECONDS`` (the records' lifetime, a safety net).

The password hash never goes to the cache: a cached user's ``password`` is a deferred field (read
from the database if something asks for it), and the session's check of it (Django logs out a
session whose password changed) uses the session hash computed when the record was built, as
does ``has_usable_password`` (the admin's "Change password" link on every page).
When the cache cannot be reached, the backend reads the database as Django's ``ModelBackend``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

GENERATION_KEY = "access:generation"


def lifetime() -> int:
    return getattr(settings, "ACCESS_CACHE_SECONDS", 0)


@functools.cache
def _prefix(secret_key: str) -> str:
    # The cached session hash depends on SECRET_KEY: a new key starts new records.
    return "access:" + salted_hmac("conference.access", "", secret=secret_key).hexdigest()[:12]


def _user_version_key(user_id: Any) -> str:
    return f"access:user:{user_id}:version"


def _record_key(user_id: Any) -> str:
    return f"{_prefix(settings.SECRET_KEY)}:{user_id}"


# --- Reading --------------------------------------------------------------------------------------


def _fields(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _row(instance, exclude=()) -> dict[str, Any]:
    return {
        name: getattr(instance, name) for name in _fields(type(instance)) if name not in exclude
    }


def _instance(model, row: dict[str, Any], deferred=()):
    names = [name for name in _fields(model) if name not in deferred]
    if any(name not in row for name in names):  # the model changed since: rebuild the record
        raise KeyError
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names])


def _session_auth_hash(user, cached: str) -> str:
    """The user's session hash: the one computed with the record, unless the password was loaded
    or set on this object since (a password change in this request)."""
    if "password" in user.__dict__:
        return type(user).get_session_auth_hash(user)
    return cached


def _has_usable_password(user, cached: bool) -> bool:
    """``has_usable_password``, as it was when the record was built unless the password was
    loaded or set on this object since."""
    if "password" in user.__dict__:
        return type(user).has_usable_password(user)
    return cached


def _load(user_id: Any):
    """The user with their department membership, department and unit: one query (Django's
    ``ModelBackend`` reads the row alone, and the menu then asks for the department), knowing
    their department for :mod:`conference.predicates`; ``None`` for an unknown user."""
    User = get_user_model()
    try:
        user = User._default_manager.select_related("department_membership__department__unit").get(
            pk=user_id
        )
    except User.DoesNotExist:
        return None
    membership = _membership(user)
    _know(user, membership)
    return user


def _membership(user):
    try:
        return user.department_membership
    except ObjectDoesNotExist:
        return None


def _build(user_id: Any):
    """The user with their groups and department read from the database (two queries), and
    the record to cache, or ``(None, None)`` for an unknown user."""
    user = _load(user_id)
    if user is None:
        return None, None
    group_names = frozenset(user.groups.values_list("name", flat=True))
    membership = _membership(user)
    department = membership.department if membership is not None else None
    is_liaison = bool(membership and membership.is_liaison)
    record = {
        "user": _row(user, exclude={"password"}),
        "session_hash": user.get_session_auth_hash(),
        "usable_password": user.has_usable_password(),
        "groups": sorted(group_names),
        "is_liaison": is_liaison,
        "department": _row(department) if department else None,
        "unit": _row(department.unit) if department else None,
    }
    user._conference_group_names = group_names
    return user, record


def _know(user, membership) -> None:
    """The user's department (liaison or not), as :mod:`conference.predicates` would query it."""
    department = membership.department if membership is not None else None
    user._conference_department = department if membership and membership.is_liaison else None
    user._conference_province = department.unit if department is not None else None


def _from_record(record: dict[str, Any]):
    User = get_user_model()
    Department = apps.get_model("provinces", "Department")
    ProvincialUnit = apps.get_model("provinces", "ProvincialUnit")
    user = _instance(User, record["user"], deferred={"password"})
    user.get_session_auth_hash = functools.partial(_session_auth_hash, user, record["session_hash"])
    user.has_usable_password = functools.partial(
        _has_usable_password, user, record["usable_password"]
    )
    user._conference_group_names = frozenset(record["groups"])
    user._conference_department = user._conference_province = None
    if record["department"] is not None:
        department = _instance(Department, record["department"])
        department.unit = _instance(ProvincialUnit, record["unit"])
        user._conference_department = department if record["is_liaison"] else None
        user._conference_province = department.unit
    return user


def _current_version(key: str, found: dict[str, Any]) -> int:
    value = found.get(key)
    if value is None:
        cache.add(key, time.time_ns(), timeout=None)
        value = cache.get(key)
    return value


def cached_user(user_id: Any):
    """The user ``user_id`` (``None`` if there is none), knowing their groups and department:
    from the cache when the record there is current, else from the database (and cached)."""
    if lifetime() <= 0:
        return None
    version_key, record_key = _user_version_key(user_id), _record_key(user_id)
    try:
        found = cache.get_many([GENERATION_KEY, version_key, record_key])
        versions = (
            _current_version(GENERATION_KEY, found),
            _current_version(version_key, found),
        )
    except Exception:  # the cache is down: the database answers
        user, _record = _build(user_id)
        return user
    record = found.get(record_key)
    if record is not None and record.get("versions") == versions:
        with contextlib.suppress(KeyError):
            return _from_record(record)
    user, record = _build(user_id)
    if record is not None:
        record["versions"] = versions
        with contextlib.suppress(Exception):
            cache.set(record_key, record, lifetime())
    return user


class AccessBackend(ModelBackend):
    """Django's ``ModelBackend`` (same logins, same permissions) whose ``get_user`` reads the
    access record (see the module's docstring) when the cache is on, and otherwise the user's
    row with their department in one query."""

    def get_user(self, user_id):
        user = cached_user(user_id) if lifetime() > 0 else _load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


# --- Invalidation ---------------------------------------------------------------------------------


def _bump(key: str) -> None:
    def bump():
        try:
            cache.incr(key)
        except ValueError:  # no version yet (or lost): a fresh one
            cache.set(key, time.time_ns(), timeout=None)
        except Exception:  # the cache is down: nothing is read from it either
            logger.warning("Could not invalidate the access record %s", key)

    bump()
    transaction.on_commit(bump)


def user_changed(user_id: Any) -> None:
    """The user's access record is stale: now, and again once the transaction commits."""
    if user_id is not None and lifetime() > 0:
        _bump(_user_version_key(user_id))


def everyone_changed() -> None:
    """Every access record is stale (who is in a group, who works for which department)."""
    if lifetime() > 0:
        _bump(GENERATION_KEY)


def _user_saved(sender, instance, **_kwargs) -> None:
    user_changed(instance.pk)


def _anything_saved(sender, **_kwargs) -> None:
    everyone_changed()


def _groups_changed(sender, instance, action, reverse, **_kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # group.user_set.add(...): the group's side
        everyone_changed()
    else:
        user_changed(instance.pk)


def connect_invalidation() -> None:
    from django.contrib.auth.models import Group

    from provinces.signals import reorganisation_applied

    User = get_user_model()
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_user_saved, sender=User, dispatch_uid=f"access:user:{name}")
        for label in (
            "provinces.DepartmentMember",
            "provinces.Department",
            "provinces.ProvincialUnit",
        ):
            model = apps.get_model(label)
            signal.connect(_anything_saved, sender=model, dispatch_uid=f"access:{label}:{name}")
        signal.connect(_anything_saved, sender=Group, dispatch_uid=f"access:group:{name}")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="access:user-groups"
    )
    reorganisation_applied.connect(_anything_saved, dispatch_uid="access:reorganisation")
