"""The one place that answers "may this user do this to this object?": ``can(user, action,
obj)``, from the django-rules rule set ``RULES``. Views, forms, admin actions and services call
:func:`can` or :func:`require`; they do not check groups themselves.

Another app adds its own actions in its ``AppConfig.ready()``, combining the predicates of
``conference.predicates`` (or its own)::

    RULES.add_rule("proposal.view", is_organizer | is_reviewer | is_liaison_of)

Superusers may do everything; inactive and anonymous users nothing; unknown actions are refused.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from conference.predicates import (
    ORGANIZER,
    department_of,
    is_liaison_of,
    is_organizer,
    is_reviewer,
    is_staff_member,
    roles,
)

__all__ = ["RULES", "can", "department_of", "is_organizer", "require", "roles"]

RULES = rules.RuleSet()
# the organizers' views of an edition
RULES.add_rule("edition.manage", is_organizer)
# a province's delegation: its liaison or an organizer
RULES.add_rule("delegation.view", is_organizer | is_liaison_of)
RULES.add_rule("delegation.manage", is_organizer | is_liaison_of)
# proposals
RULES.add_rule("proposal.submit", is_organizer | is_liaison_of)
RULES.add_rule("proposal.review", is_organizer | is_reviewer)
RULES.add_rule("proposal.decide", is_organizer)
# venue: the check-in desk is staffed by volunteers with a staff account
RULES.add_rule("checkin.perform", is_organizer | is_staff_member)
# taking back a check-in made by mistake: the same people (audited, with an optional reason)
RULES.add_rule("checkin.undo", is_organizer | is_staff_member)
# the email delivery log: the stored emails hold personal data and the delegates' working
# self-service links, so organizers only (and superusers); other staff need Django's model
# permissions (conference.view_notification to read, change_notification to retry/resend)
RULES.add_rule("notification.manage", is_organizer)
# Messages to delegates: organizers only (a liaison asks the organizers to write to their
# province's delegates; see the README).
RULES.add_rule("message.send", is_organizer)


def can(user, action: str, obj: Any = None) -> bool:
    """May ``user`` do ``action`` to ``obj``? Unknown actions are refused."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return RULES.test_rule(action, user, obj)


def require(user, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (HTTP 403) unless :func:`can` allows it."""
    if not can(user, action, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


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
        "delegatemessage": ("view",),  # messages to delegates (written on the site's page)
        "messagerecipient": ("view",),
        "digestsent": ("view",),
        "filejob": ("view",),  # prepared files (asked for and downloaded on the site's pages)
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
