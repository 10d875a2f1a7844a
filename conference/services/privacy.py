"""Erasure leaves nothing behind (Decree 13/2023/NĐ-CP): once a registration is deleted, the
traces of the person elsewhere go too.

- the audit log: reasons (a liaison's decline reason, an organizer's erase reason) and details
  (an organizer's export filters, e.g. the search "nguyen thi hien") that name the person, their
  email or phone are rewritten with ``REDACTED`` in their place; the entries themselves stay
  (who did what, when);
- the emails to the person: rows about the registration are deleted by the caller; copies the
  file backend wrote to ``EMAIL_FILE_PATH`` (the embedded mode's ``data/emails/``) are removed
  after the transaction commits.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from conference.models import AuditEntry
from conference.phones import format_phone
from conference.vietnamese import fold

REDACTED = "[…]"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
# django.core.mail.backends.filebased writes messages one after the other, each followed by this.
_SEPARATOR = "-" * 79


def _traces(*, full_name: str, email: str, phone: str) -> list[str]:
    """The spellings under which the person may have been written down (longest first)."""
    candidates = {full_name, fold(full_name), email}
    if phone:
        national = format_phone(phone)
        candidates |= {phone, national, national.replace(" ", "")}
    return sorted((c for c in candidates if len(c.strip()) >= 5), key=len, reverse=True)


def _redact(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(REDACTED, text)


def personal_data_redact(*, full_name: str, email: str, phone: str, edition_id: int) -> int:
    """Rewrite the audit entries that name the person; call inside the erasing transaction.
    Returns how many entries changed."""
    traces = _traces(full_name=full_name, email=email, phone=phone)
    if not traces:
        return 0
    pattern = re.compile("|".join(re.escape(t) for t in traces), re.IGNORECASE)
    candidates = models.Q(action="registration.export", object_id=str(edition_id))
    for trace in traces:
        candidates |= models.Q(reason__icontains=trace) | models.Q(data__icontains=trace)
    changed = 0
    for entry in AuditEntry.objects.select_for_update().filter(candidates):
        reason = _redact(entry.reason, pattern)
        data = json.loads(_redact(json.dumps(entry.data, ensure_ascii=False), pattern))
        if (reason, data) != (entry.reason, entry.data):
            entry.reason, entry.data = reason, data
            entry.save(update_fields=["reason", "data"])
            changed += 1
    if settings.EMAIL_BACKEND == FILE_BACKEND:
        transaction.on_commit(lambda: email_copies_remove(email=email))
    return changed


def email_copies_remove(*, email: str) -> int:
    """Remove the messages to ``email`` from the file backend's folder (a file left empty is
    deleted). Returns how many messages were removed."""
    folder = Path(settings.EMAIL_FILE_PATH)
    if not email or not folder.is_dir():
        return 0
    to_line = re.compile(rf"^To: .*{re.escape(email)}", re.IGNORECASE | re.MULTILINE)
    removed = 0
    for path in folder.iterdir():
        if not path.is_file():
            continue
        content = path.read_text(encoding="utf-8", errors="replace")
        if not to_line.search(content):
            continue
        messages = [m for m in content.split(_SEPARATOR) if m.strip()]
        kept = [m for m in messages if not to_line.search(m)]
        removed += len(messages) - len(kept)
        if kept:
            path.write_text(_SEPARATOR.join(kept) + _SEPARATOR + "\n", encoding="utf-8")
        else:
            path.unlink()
    return removed
