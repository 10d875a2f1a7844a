"""The one audit writer: who did what to which object, from which state to which, and why.

Every domain records its actions with :func:`audit_record`. Action codes are registered with their
translated labels by the app that owns them, in its ``AppConfig.ready()``::

    register_audit_actions({"proposal.submit": pgettext_lazy("audit action", "submitted")})

so that a new domain adds its actions without touching the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from conference.models import AuditEntry


def register_audit_actions(actions: Mapping[str, str | Promise]) -> None:
    """Make ``actions`` (code → label, usually lazy) known to the audit log. A code registered
    twice with another label is a programming error (two apps claiming one code)."""
    for code, label in actions.items():
        known = AuditEntry.ACTIONS.get(code)
        if known is not None and known is not label:
            raise ImproperlyConfigured(f"The audit action {code!r} is already registered.")
        AuditEntry.ACTIONS[code] = label


def audit_record(
    *,
    subject,
    action: str,
    actor=None,
    reason: str = "",
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry about ``subject`` (any saved model instance); call it inside the
    service's transaction, so the entry exists exactly when the change does.

    ``actor`` is who did it, by one rule: a user (linked, and their name kept should the account
    go), an actor code of ``AuditEntry.ACTORS`` for someone without an account (the delegate
    through their link, the retention job), or None for the system itself.
    """
    if action not in AuditEntry.ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}: see register_audit_actions().")
    if isinstance(actor, str):
        if actor not in AuditEntry.ACTORS:
            raise ValueError(f"Unknown actor code {actor!r}: see AuditEntry.ACTORS.")
        user, label = None, actor
    elif actor is None:
        user, label = None, ""
    else:
        user, label = (actor if actor.pk else None), str(actor)[:200]
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        subject=subject,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
