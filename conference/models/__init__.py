from conference.models.audit import AuditEntry
from conference.models.editions import AgendaItem, Chair, Edition, EditionParticipant
from conference.models.handovers import Handover
from conference.models.outbox import Notification
from conference.models.registrations import ProgrammePart, Registration
from conference.models.users import User

__all__ = [
    "AgendaItem",
    "AuditEntry",
    "Chair",
    "Edition",
    "EditionParticipant",
    "Handover",
    "Notification",
    "ProgrammePart",
    "Registration",
    "User",
]
