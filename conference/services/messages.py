"""Writing to delegates, and the digests of what waits for a decision.

Messages
--------
An organizer writes a subject and a message in Vietnamese (and, if they like, in English) to the
registrations the organizers' list filters chose (``conference.filters.RegistrationFilter``).
:func:`message_send` records a :class:`~conference.models.messages.DelegateMessage` with one
:class:`~conference.models.messages.MessageRecipient` per delegate and queues one outbox row per
delegate with an address, in the same transaction. The form carries a submission key (a UUID
made when the form is first shown): the same key sent again (a double click, a reload of the
confirmation, a second tab) returns the message already sent and queues nothing. Delegates
without an address (entered by staff without one) are recorded "without an address" and appear
so in the report. Registrations whose address was never confirmed are never written to.

Digests
-------
:func:`digests_send` (the beat job ``conference.send_digests``, daily by default, and
``manage.py send_digests``) sends each liaison and organizer ONE email listing what waits for
them: registrations awaiting confirmation (a liaison: their province's; an organizer: all) and
what other apps add with :func:`register_digest_section` (proposals waiting for a decision). A
person gets nothing when nothing waits, nothing when everything listed was already in their
previous digest, and never more than one digest within ``DIGEST_MIN_INTERVAL_HOURS``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy

from conference.models import Edition, Registration, User
from conference.models.messages import DelegateMessage, DigestSent, MessageRecipient
from conference.notifications import messages as emails
from conference.outbox import Rendered, notification_render
from conference.predicates import ORGANIZER, department_of
from conference.services.audit import audit_record
from conference.signing import mask_manage_links

AUDIT_ACTIONS = {
    "message.send": pgettext_lazy("audit action", "message sent to delegates"),
}

# Who may be written to: a confirmed address (never an unverified registration's).
WRITABLE = [status for status, _label in Registration.Status.choices if status != "unverified"]


# --- messages ---------------------------------------------------------------------------------


def message_registrations(registrations) -> list[Registration]:
    """The delegates a message goes to, from the filters' queryset, in name order."""
    return list(
        registrations.filter(status__in=WRITABLE).select_related("edition", "unit").ordered()
    )


def has_address(registration: Registration) -> bool:
    return bool((registration.email or "").strip())


def message_preview(
    *, edition: Edition, registrations: list[Registration], texts: dict[str, str]
) -> dict[str, Rendered]:
    """The email as the first delegate of each language will receive it: in Vietnamese and,
    when an English text is given, in English; the self-service link shown as "…"."""
    message = DelegateMessage(edition=edition, **texts)
    with_address = [r for r in registrations if has_address(r)] or registrations
    fallback = Registration(edition=edition, full_name="Nguyễn Văn A", email="", language="vi")
    previews = {}
    for language in ["vi", "en"] if message.has_english else ["vi"]:
        sample = next(
            (r for r in with_address if emails.message_language(message, r) == language),
            with_address[0] if with_address else fallback,
        )
        rendered = notification_render(
            kind=emails.MESSAGE,
            language=language,
            context=emails.message_context(message, sample, language=language),
            edition=edition,
        )
        previews[language] = Rendered(
            subject=rendered.subject,
            body_text=mask_manage_links(rendered.body_text),
            body_html=mask_manage_links(rendered.body_html),
        )
    return previews


def criteria_text(criteria: dict[str, Any], *, units: dict[int, str] | None = None) -> str:
    """The filters of the registration list (a message's, a prepared file's), as a person reads
    them in the active language: "Edition XII (2027) · Province or city: Hà Nội · Status:
    Confirmed" (the edition only when ``criteria`` names one). ``units`` (id → name), when
    given, saves a query per unit on a list of many."""
    from provinces.models import ProvincialUnit

    parts = []
    if criteria.get("edition"):
        edition = Edition.objects.filter(number=criteria["edition"]).first()
        if edition is not None:
            parts.append(str(edition))
    if str(criteria.get("unit") or "").isdigit():
        unit_id = int(criteria["unit"])
        if units is not None:
            name = units.get(unit_id)
        else:
            name = ProvincialUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
        if name is not None:
            parts.append(f"{gettext('Province or city')}: {name}")
    labels = {
        "status": (gettext("Status"), dict(Registration.Status.choices)),
        "organisation_kind": (
            gettext("Kind of organisation"),
            dict(Registration.OrganisationKind.choices),
        ),
    }
    for name, (label, choices) in labels.items():
        if criteria.get(name):
            parts.append(f"{label}: {choices.get(criteria[name], criteria[name])}")
    if criteria.get("q"):
        parts.append(f"{gettext('Search')}: “{criteria['q']}”")
    return " · ".join(parts)


@transaction.atomic
def message_send(
    *,
    edition: Edition,
    registrations: Iterable[Registration],
    texts: dict[str, str],
    key: uuid.UUID,
    actor,
    criteria: dict[str, Any] | None = None,
    criteria_label: str = "",
) -> tuple[DelegateMessage, bool]:
    """Record the message and queue it to every delegate with an address; returns the message
    and whether it is new. The same ``key`` again returns the first message and sends nothing.
    ``texts``: ``subject``, ``body`` and optionally ``subject_en``, ``body_en``."""
    existing = DelegateMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    registrations = [
        r for r in registrations if r.status in WRITABLE and r.edition_id == edition.pk
    ]
    if not registrations:
        raise ValidationError(
            gettext("No delegate matches these filters: nobody would receive the message."),
            code="no_recipients",
        )
    message = DelegateMessage(
        edition=edition,
        author=actor,
        idempotency_key=key,
        criteria=criteria or {},
        criteria_label=criteria_label[:500],
        **{name: (texts.get(name) or "").strip() for name in MESSAGE_TEXTS},
    )
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # the same form sent twice at the same instant: the first one won
        return DelegateMessage.objects.get(idempotency_key=key), False
    queued = without = 0
    for registration in registrations:
        notification = None
        if has_address(registration):
            try:
                notification = emails.queue_message_email(message, registration)
            except ValidationError:  # an address the outbox refuses: listed as without one
                notification = None
        MessageRecipient.objects.create(
            message=message, registration=registration, notification=notification
        )
        if notification is None:
            without += 1
        else:
            queued += 1
    audit_record(
        subject=message,
        action="message.send",
        actor=actor,
        data={"edition": edition.number, "queued": queued, "without_address": without},
    )
    return message, True


MESSAGE_TEXTS = ("subject", "body", "subject_en", "body_en")


@dataclass(frozen=True)
class DeliveryRow:
    recipient: MessageRecipient
    state: str  # "queued", "sending", "sent", "failed" or "no_address"


STATE_LABELS = {
    "queued": pgettext_lazy("delivery", "Queued"),
    "sending": pgettext_lazy("delivery", "Sending"),
    "sent": pgettext_lazy("delivery", "Sent"),
    "failed": pgettext_lazy("delivery", "Failed"),
    "no_address": pgettext_lazy("delivery", "No address"),
}


def message_report(message: DelegateMessage) -> tuple[list[DeliveryRow], dict[str, int]]:
    """Each recipient with the state of their email (one query), and the counts of each state
    (``total`` too). An email whose row was erased with its registration is not listed."""
    rows = []
    counts = dict.fromkeys(STATE_LABELS, 0)
    recipients = message.recipients.select_related("registration__unit", "notification").order_by(
        "registration__sort_key", "pk"
    )
    for recipient in recipients:
        state = recipient.notification.status if recipient.notification_id else "no_address"
        counts[state] += 1
        rows.append(DeliveryRow(recipient=recipient, state=state))
    counts["total"] = len(rows)
    return rows, counts


# --- digests ----------------------------------------------------------------------------------


@dataclass
class DigestSection:
    """One part of a digest: ``items`` are stable keys (``registration:12``) that say whether
    anything is new; ``lines`` what the email lists (at most ``DIGEST_LINES``)."""

    title: str
    items: list[str]
    lines: list[str]
    path: str
    link_text: str
    more: int = 0
    count: int = field(init=False)

    def __post_init__(self) -> None:
        self.count = len(self.items)


DIGEST_LINES = 10

# section(user, roles) -> [DigestSection], in the user's language (the caller sets it).
SECTIONS: list[Callable[[User, frozenset[str]], list[DigestSection]]] = []


def register_digest_section(section: Callable[[User, frozenset[str]], list[DigestSection]]):
    """Add a part to every digest (another app's AppConfig.ready(): proposals waiting for a
    decision). Registering the same function again does nothing."""
    if section not in SECTIONS:
        SECTIONS.append(section)
    return section


def _lines(registrations: list[Registration], *, with_unit: bool) -> list[str]:
    lines = []
    for registration in registrations[:DIGEST_LINES]:
        parts = [registration.full_name, registration.organisation_name]
        if with_unit and registration.unit_id:
            parts.append(registration.unit.name)
        lines.append(" — ".join(part for part in parts if part))
    return lines


def _pending_registrations_section(user: User, roles: frozenset[str]) -> list[DigestSection]:
    """Registrations awaiting confirmation in editions not yet over: a liaison's province's,
    or every province's for an organizer."""
    from django.urls import reverse

    today = timezone.localdate()
    pending = (
        Registration.objects.filter(status=Registration.Status.PENDING)
        .exclude(edition__date__lt=today)
        .select_related("edition", "unit")
        .order_by("edition__number", "sort_key", "pk")
    )
    department = department_of(user)
    organizer = ORGANIZER in roles
    if not organizer:
        if department is None:
            return []
        pending = pending.filter(unit_id=department.unit_id)
    by_edition: dict[int, list[Registration]] = {}
    for registration in pending:
        by_edition.setdefault(registration.edition.number, []).append(registration)
    sections = []
    for number, registrations in by_edition.items():
        edition = registrations[0].edition
        if organizer:
            path = f"{reverse('conference:registration_list')}?edition={number}&status=pending"
        else:
            path = reverse("conference:delegation", kwargs={"number": number})
        sections.append(
            DigestSection(
                title=gettext("Registrations awaiting confirmation — edition %(ordinal)s")
                % {"ordinal": edition.ordinal},
                items=[f"registration:{r.pk}" for r in registrations],
                lines=_lines(registrations, with_unit=organizer),
                more=max(len(registrations) - DIGEST_LINES, 0),
                path=path,
                link_text=gettext("Confirm or decline them"),
            )
        )
    return sections


register_digest_section(_pending_registrations_section)


def digest_recipients() -> list[User]:
    """Active organizers and liaisons with an email address, in a stable order."""
    from django.db.models import Q

    return list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__name=ORGANIZER) | Q(department_membership__is_liaison=True))
        .distinct()
        .order_by("pk")
    )


def digest_sections(user: User) -> list[DigestSection]:
    """What waits for ``user``, in their language."""
    from conference.predicates import roles

    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        user_roles = roles(user)
        return [section for provider in SECTIONS for section in provider(user, user_roles)]


@transaction.atomic
def digest_send(*, user: User, now: datetime.datetime | None = None) -> DigestSent | None:
    """Send ``user`` their digest if something new waits for them and their last digest is
    older than ``DIGEST_MIN_INTERVAL_HOURS``; returns the record, or None when nothing is sent."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)  # one digest at a time per person
    last = DigestSent.objects.filter(user=user).order_by("-created_at", "-pk").first()
    interval = datetime.timedelta(hours=settings.DIGEST_MIN_INTERVAL_HOURS)
    if last is not None and now - last.created_at < interval:
        return None
    sections = digest_sections(user)
    items = sorted({item for section in sections for item in section.items})
    if not items:
        return None
    if last is not None and set(items) <= set(last.items):
        return None  # nothing new since the previous digest
    digest = DigestSent.objects.create(user=user, created_at=now, items=items)
    notification = emails.queue_digest_email(
        user=user,
        digest=digest,
        sections=[section.__dict__ for section in sections],
        language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
    )
    digest.notification = notification
    digest.save(update_fields=["notification"])
    return digest


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: each organizer's and liaison's digest; returns how many were sent. A
    person whose address the outbox refuses is skipped (logged), the others still get theirs."""
    import logging

    sent = 0
    for user in digest_recipients():
        try:
            sent += digest_send(user=user, now=now) is not None
        except ValidationError:
            logging.getLogger(__name__).warning("No digest for user %s: bad address", user.pk)
    return sent
