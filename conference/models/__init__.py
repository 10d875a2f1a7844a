from conference.models.audit import AuditEntry
from conference.models.editions import AgendaItem, Chair, Edition, EditionParticipant
from conference.models.file_jobs import FileJob
from conference.models.handovers import Handover
from conference.models.messages import DelegateMessage, DigestSent, MessageRecipient
from conference.models.outbox import Notification
from conference.models.registrations import ProgrammePart, Registration
from conference.models.users import User

__all__ = [
    "AgendaItem",
    "AuditEntry",
    "Chair",
    "DelegateMessage",
    "DigestSent",
    "Edition",
    "EditionParticipant",
    "FileJob",
    "Handover",
    "MessageRecipient",
    "Notification",
    "ProgrammePart",
    "Registration",
    "User",
]
