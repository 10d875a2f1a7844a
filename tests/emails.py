"""What the tests expect of emails."""

from django.utils import translation


def prefixed(edition, subject: str, language: str = "vi") -> str:
    """``subject`` as sent: after the conference and edition (``outbox.subject_prefix``)."""
    from conference.outbox import subject_prefix

    with translation.override(language):
        return f"{subject_prefix(edition)} {subject}"
