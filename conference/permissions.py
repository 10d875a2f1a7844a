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
# the email delivery log: the stored emails hold personal data and the delegates' working
# self-service links, so organizers only (and superusers); other staff need Django's model
# permissions (conference.view_notification to read, change_notification to retry/resend)
RULES.add_rule("notification.manage", is_organizer)


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
