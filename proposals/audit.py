"""The shared pieces the proposals use from the core, in one place: the audit writer and the
deadline wording. (The audit writer moves to ``conference.services.audit`` with the core's
reshape; until it lands a writer of the same signature is used.)"""

from __future__ import annotations

from typing import Any

try:  # the core's one audit writer
    from conference.services.audit import audit_record, register_audit_actions
except ImportError:  # before the reshape of the core
    from conference.models import AuditEntry

    _LABELS: dict[str, Any] = {}

    def register_audit_actions(labels: dict[str, Any]) -> None:
        _LABELS.update(labels)

    def audit_record(
        *,
        subject,
        action: str,
        actor,
        reason: str = "",
        from_state: str = "",
        to_state: str = "",
        data: dict[str, Any] | None = None,
    ):
        return AuditEntry.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=str(actor)[:200] if actor is not None else "",
            action=action,
            subject=subject,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
        )


from conference.dates import deadline_text

__all__ = ["audit_record", "deadline_text", "register_audit_actions"]
