"""The one place that answers "may this user do this to this object?".

Roles are Django groups (created by a data migration), plus Django's own staff flag:

- organizer: sees and manages everything of every edition (registrations, proposals, handover);
- reviewer: reads proposals and records reviews;
- province liaison: a member of one Department of Industry and Trade (``DepartmentMember``),
  who manages that province's delegation and submits its proposals;
- staff: uses the Django admin (``is_staff``); superusers may do everything.

Views, forms, admin actions and services call :func:`can`; later features add actions to
``RULES`` rather than checking groups themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

ORGANIZER = "organizer"
REVIEWER = "reviewer"
LIAISON = "liaison"
ROLE_GROUPS = {
    ORGANIZER: _("Organizers"),
    REVIEWER: _("Reviewers"),
    LIAISON: _("Province liaisons"),
}

# The Django admin permissions of the organizer group: exactly what their job needs, never more
# (no accounts, no groups, no deletion of editions or of the provincial units' history). Kept
# in sync with the group after every ``migrate`` (:func:`sync_role_permissions`, connected to
# ``post_migrate``); a test compares the group with this list. Organizer accounts also need
# *staff status* to open the admin (the demo account has it).
ORGANIZER_ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "conference": {
        # editions: dates, registration window, capacity, contact; the next edition is theirs
        "edition": ("view", "add", "change"),
        "editionparticipant": ("view", "add", "change", "delete"),  # units taking part, quotas
        "programmepart": ("view", "add", "change", "delete"),
        "agendaitem": ("view", "add", "change", "delete"),
        "chair": ("view", "add", "change", "delete"),
        # registrations: changes and erasure go through the services (the admin calls them)
        "registration": ("view", "change", "delete"),
        "notification": ("view", "change"),  # the email delivery log: read, retry, resend
        "auditentry": ("view",),
        "user": ("view",),  # to pick an account when naming a department's liaison
    },
    "provinces": {
        "provincialunit": ("view",),
        "department": ("view", "change"),
        "departmentmember": ("view", "add", "change", "delete"),  # who is a province's liaison
    },
}


def organizer_permission_codes() -> set[tuple[str, str]]:
    """``{(app_label, codename)}`` of :data:`ORGANIZER_ADMIN_PERMISSIONS`."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in ORGANIZER_ADMIN_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


def sync_role_permissions(*, using: str = "default", **kwargs) -> None:
    """Give the organizer group exactly :data:`ORGANIZER_ADMIN_PERMISSIONS` (a ``post_migrate``
    receiver: runs after Django has created the permissions of each migrated app, so a model
    added later gets its permissions on the next ``migrate``). Does nothing before the group
    exists (the data migration ``0004_roles`` creates it)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group = Group.objects.using(using).filter(name=ORGANIZER).first()
    if group is None:
        return
    wanted = Q(pk__in=[])
    for app_label, codename in organizer_permission_codes():
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = Permission.objects.using(using).filter(wanted)
    if set(group.permissions.values_list("pk", flat=True)) != {p.pk for p in permissions}:
        group.permissions.set(permissions)


def roles(user) -> frozenset[str]:
    """The roles of a user, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_conference_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    found = {role for role in ROLE_GROUPS if role in names}
    if department_of(user) is not None:
        found.add(LIAISON)
    if user.is_staff:
        found.add("staff")
    user._conference_roles = frozenset(found)
    return user._conference_roles


def department_of(user):
    """The department a liaison works for, or None."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_conference_department"):
        from provinces.models import DepartmentMember

        membership = (
            DepartmentMember.objects.select_related("department__unit")
            .filter(user=user, is_liaison=True)
            .first()
        )
        user._conference_department = membership.department if membership else None
    return user._conference_department


def is_organizer(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or ORGANIZER in roles(user)))


def _unit_of(obj: Any):
    """The provincial unit an object belongs to (a registration's, a proposal's, a unit itself);
    None for an object that has a unit field left empty (a guest's registration)."""
    from provinces.models import ProvincialUnit

    if isinstance(obj, ProvincialUnit):
        return obj
    for attr in ("unit", "province"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    return None


def _liaison_of(user, obj) -> bool:
    department = department_of(user)
    if department is None or obj is None:
        return False
    unit = _unit_of(obj)
    return getattr(unit, "pk", None) == department.unit_id


Rule = Callable[[Any, Any], bool]
RULES: dict[str, Rule] = {
    # the organizers' views of an edition
    "edition.manage": lambda user, obj: is_organizer(user),
    # a province's delegation: its liaison or an organizer
    "delegation.view": lambda user, obj: is_organizer(user) or _liaison_of(user, obj),
    "delegation.manage": lambda user, obj: is_organizer(user) or _liaison_of(user, obj),
    # proposals
    "proposal.submit": lambda user, obj: is_organizer(user) or _liaison_of(user, obj),
    "proposal.review": lambda user, obj: is_organizer(user) or REVIEWER in roles(user),
    "proposal.decide": lambda user, obj: is_organizer(user),
    # venue: the check-in desk is staffed by volunteers with a staff account
    "checkin.perform": lambda user, obj: is_organizer(user) or "staff" in roles(user),
    # the email delivery log: the stored emails hold personal data and the delegates' working
    # self-service links, so organizers only (and superusers); other staff need Django's model
    # permissions (conference.view_notification to read, change_notification to retry/resend)
    "notification.manage": lambda user, obj: is_organizer(user),
}


def can(user, action: str, obj: Any = None) -> bool:
    """May ``user`` do ``action`` to ``obj``? Unknown actions are refused."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    rule = RULES.get(action)
    return bool(rule and rule(user, obj))


def require(user, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (HTTP 403) unless :func:`can` allows it."""
    if not can(user, action, obj):
        raise PermissionDenied(_("You are not allowed to do this."))
