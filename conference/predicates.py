"""Who a user is, as django-rules predicates that permission rules combine
(``is_organizer | is_liaison_of``); see ``conference.permissions`` for the rules themselves.

Roles are Django groups (created by a data migration), plus Django's own staff flag:

- organizer: sees and manages everything of every edition;
- reviewer: reads proposals and records reviews;
- province liaison: a member of one Department of Industry and Trade (``DepartmentMember`` with
  ``is_liaison``), who manages that province's delegation and submits its proposals;
- staff: uses the Django admin (``is_staff``).

Each predicate takes ``(user)`` or ``(user, obj)``; an object "belongs to" the provincial unit
it is (a unit), or the one in its ``unit`` or ``province`` field.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

ORGANIZER = "organizer"
REVIEWER = "reviewer"
LIAISON = "liaison"
STAFF = "staff"
# Roles given as Django groups; a liaison is one by their department membership (no group).
ROLE_GROUPS = {
    ORGANIZER: _("Organizers"),
    REVIEWER: _("Reviewers"),
}


def department_of(user):
    """The department a liaison works for, or None (cached on the user for the request)."""
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


def province_of(user):
    """The provincial unit whose department the user works for (liaison or not), or None."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_conference_province"):
        from provinces.models import DepartmentMember

        membership = (
            DepartmentMember.objects.select_related("department__unit").filter(user=user).first()
        )
        user._conference_province = membership.department.unit if membership else None
    return user._conference_province


def roles(user) -> frozenset[str]:
    """The roles of a user, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_conference_roles", None)
    if cached is not None:
        return cached
    # Known already when the user came from the access record (conference.access).
    names = getattr(user, "_conference_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
    found = {role for role in ROLE_GROUPS if role in names}
    if department_of(user) is not None:
        found.add(LIAISON)
    if user.is_staff:
        found.add(STAFF)
    user._conference_roles = frozenset(found)
    return user._conference_roles


def unit_of(obj: Any):
    """The provincial unit an object belongs to (a registration's, a proposal's, a unit itself);
    None for an object that has a unit field left empty (a guest's registration)."""
    from provinces.models import ProvincialUnit

    if isinstance(obj, ProvincialUnit):
        return obj
    for attr in ("unit", "province"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    return None


@rules.predicate
def is_organizer(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or ORGANIZER in roles(user)))


@rules.predicate
def is_reviewer(user) -> bool:
    return REVIEWER in roles(user)


@rules.predicate
def is_staff_member(user) -> bool:
    return STAFF in roles(user)


@rules.predicate
def is_liaison_of(user, obj) -> bool:
    """The user is the liaison of the unit ``obj`` belongs to."""
    department = department_of(user)
    if department is None or obj is None:
        return False
    return getattr(unit_of(obj), "pk", None) == department.unit_id


@rules.predicate
def same_province_as(user, obj) -> bool:
    """The user works for the department of the unit ``obj`` belongs to (liaison or not): who may
    not review their own province's proposal."""
    province = province_of(user)
    if province is None or obj is None:
        return False
    return getattr(unit_of(obj), "pk", None) == province.pk
