"""The notification outbox: every email the site sends goes through here.

How a feature sends an email
----------------------------
1. Register the kind once, at import time of the feature's notifications module
   (``conference/notifications/<domain>.py``, which its services import)::

       from conference.outbox import register_kind
       register_kind(
           "registration_received",
           subject=_("We have received your registration for %(edition)s"),
           template="conference/emails/registration_received",
           label=_("Registration received"),
       )

   ``label`` is the short noun the email delivery log shows for the kind (``kind_label()``;
   without one the log shows the code). ``template`` names two files,
   ``templates/<template>.txt`` (plain text, rendered without HTML escaping) and
   ``templates/<template>.html`` (HTML, autoescaped; extend ``conference/emails/base.html``).
   The subject is a translatable string with ``%(placeholders)s`` filled from the context
   (values are turned into text with ``str``; line breaks are removed).

2. In the service that makes the change, inside its transaction::

       notification_queue(
           kind="registration_received",
           recipient=registration.email,
           language=registration.language,
           context={"registration": registration, "edition": edition},
           event_key=f"registration:{registration.pk}:received",
           about=registration,
       )

   The subject is rendered now, in the recipient's language, and stored in the row. A context
   of plain values (text, numbers, booleans, lists and dicts of them: what reads back equal from
   JSON) is stored as it is — the values of the moment, so the email says what was true then —
   and the bodies are rendered by the delivery task once it has claimed the row, then kept in
   the row (the delivery log shows what was sent; for a row not sent yet it renders them from
   the context). Any other context (dates, model instances) is rendered now. Delivery is
   scheduled for after the commit. When the transaction rolls back nothing is stored
   and nothing is sent. The same ``(event_key, recipient)`` never makes a second email: the
   existing row is returned. A secret (the token of a delegate's self-service link) is never
   stored: the row holds a placeholder that the kind's ``finish`` replaces when the email is
   sent, so nobody who reads the table or the delivery log can act as the delegate.
   Files (the confirmation's QR image and calendar file) are not stored either: the kind's
   ``attachments`` builds them from what the row is about when the email is sent.

   Every subject begins with :func:`subject_prefix`: the conference and the edition the email is
   about (``edition``, else the ``about`` object's), so a kind's subject names neither.

Delivery and its guarantees
---------------------------
After commit the task ``conference.deliver_notification`` (ids only) claims the row with one
conditional UPDATE (queued and due → sending), sends it through Django's email backend and marks it
sent. A temporary failure (connection refused, time-out, 4xx reply) puts it back to queued with a
growing delay (``OUTBOX_RETRY_DELAY`` × 2ⁿ, at most ``OUTBOX_RETRY_DELAY_MAX``); a permanent
one (5xx reply, bad address) fails it at once; after ``OUTBOX_MAX_ATTEMPTS`` it is failed with the
last error. The periodic job ``conference.requeue_notifications`` (see :mod:`conference.schedule`)
dispatches rows whose task was lost (queued and overdue: the broker was down at commit) and
requeues rows claimed too long ago (sending for longer than ``OUTBOX_SENDING_TIMEOUT``: the worker
died).

The claim makes two workers unable to send the same row. One window remains, and no outbox can
close it: if a worker dies after the SMTP server accepted the message and before the row is marked
sent (one UPDATE, done right after the server's reply and before the connection is closed), the
row is sent again when the task comes back or the row is requeued — at-least-once at that
instant. Every attempt carries the same Message-ID, so mail systems and readers can recognise the
duplicate.

With no broker configured (the embedded default) the task runs in-process after commit; rows left
queued for a retry are delivered by ``manage.py outbox_requeue`` (or "retry now" in the admin).
"""

from __future__ import annotations

import datetime
import json
import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email import encoders
from email.mime.base import MIMEBase
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from conference.models import Notification
from conference.services.audit import audit_record

logger = logging.getLogger(__name__)

Status = Notification.Status


# --- kinds ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    subject: Any  # a (lazy) translatable string with %(placeholders)s
    template: str  # "<app>/emails/<name>", without the extension
    label: Any = None  # a short translated noun for the delivery log ("Registration confirmed")
    # Puts the secrets the stored bodies must not hold (a self-service link's token) into a body
    # at send time: finish(notification, body) -> body. See ``_message``.
    finish: Callable[[Notification, str], str] | None = None
    # Files built when the email is sent (the row stores none): attachments(notification) ->
    # [Attachment]. See ``_message``.
    attachments: Callable[[Notification], list[Attachment]] | None = None


@dataclass(frozen=True)
class Attachment:
    """A file added to an email at send time. With ``content_id`` it is an inline image the HTML
    body shows with ``<img src="cid:<content_id>">`` (and readers offer it as a file too)."""

    filename: str
    content: bytes
    mimetype: str
    content_id: str = ""


KINDS: dict[str, Kind] = {}


def register_kind(
    name: str,
    *,
    subject: Any,
    template: str,
    label: Any = None,
    finish: Callable[[Notification, str], str] | None = None,
    attachments: Callable[[Notification], list[Attachment]] | None = None,
) -> Kind:
    """Declare a kind of email. Registering the same name again replaces it (module reloads).
    ``label`` is the short translated noun the delivery log shows for it. ``finish`` completes
    each body when the email is sent: the stored row holds a placeholder instead of any secret,
    so nobody who reads the table or the delivery log can use it. ``attachments`` builds the
    email's files when it is sent, from what the row is about (the row stores no file)."""
    kind = Kind(
        name=name,
        subject=subject,
        template=template,
        label=label,
        finish=finish,
        attachments=attachments,
    )
    KINDS[name] = kind
    return kind


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}: register_kind() it first.") from None


def kind_label(name: str) -> str:
    """The translated label of a kind, for people; the code itself when it has none (a kind no
    longer registered, or registered without a label)."""
    kind = KINDS.get(name)
    return str(kind.label) if kind is not None and kind.label else name


register_kind(
    "outbox_test",
    subject=_("Test email from the conference site"),
    template="conference/emails/outbox_test",
    label=_("Test email"),
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


def _language(language: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    language = (language or settings.LANGUAGE_CODE).lower()
    if language not in codes:
        language = language.split("-")[0]
    if language not in codes:
        raise ValueError(f"Unsupported language {language!r}; expected one of {codes}.")
    return language


def subject_prefix(edition=None) -> str:
    """What begins every subject, in the active language: the conference and, when the email is
    about one, its edition — "[Hội nghị Công Thương phía Bắc lần thứ XI]". The one place that
    names them, so no template repeats it."""
    if edition is None:
        return gettext("[Northern Industry and Trade Conference]")
    return gettext("[Northern Industry and Trade Conference %(ordinal)s]") % {
        "ordinal": edition.ordinal
    }


def notification_render(
    *, kind: str, language: str, context: dict[str, Any], edition=None
) -> Rendered:
    """Subject, plain text and HTML of ``kind`` in ``language``. Only the HTML is escaped. The
    subject starts with :func:`subject_prefix` of ``edition`` (the conference alone without)."""
    body_text, body_html = _render_bodies(kind=kind, language=language, context=context)
    return Rendered(
        subject=_render_subject(kind=kind, language=language, context=context, edition=edition),
        body_text=body_text,
        body_html=body_html,
    )


def _full_context(language: str, context: dict[str, Any]) -> dict[str, Any]:
    return {"SITE_URL": settings.SITE_URL, "LANGUAGE_CODE": language, **context}


def _render_subject(*, kind: str, language: str, context: dict[str, Any], edition=None) -> str:
    spec = get_kind(kind)
    language = _language(language)
    with translation.override(language):
        subject = str(spec.subject)
        if "%(" in subject:
            subject = subject % {
                key: str(value) for key, value in _full_context(language, context).items()
            }
        return " ".join(f"{subject_prefix(edition)} {subject}".split())


def _render_bodies(*, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    spec = get_kind(kind)
    language = _language(language)
    full_context = _full_context(language, context)
    with translation.override(language):
        text_template = get_template(f"{spec.template}.txt").template
        body_text = text_template.render(Context(full_context, autoescape=False))
        body_html = get_template(f"{spec.template}.html").render(full_context)
    return body_text.strip() + "\n", body_html


def _plain(context: dict[str, Any]) -> dict[str, Any] | None:
    """``context`` as the row stores it when it holds only plain values (text, numbers, booleans,
    None, lists and dicts of them: it reads back from JSON equal to itself), else None: such a
    context (dates, model instances, lazy text) is rendered when queued."""
    try:
        stored = json.loads(json.dumps(context))
    except (TypeError, ValueError):
        return None
    return stored if stored == context else None


def notification_rendered(notification: Notification) -> Rendered:
    """The email as sent (or as it will be sent): the stored bodies once rendered; for a row
    still waiting to be sent, rendered now from its stored context without saving anything
    (what the delivery log shows of a queued email)."""
    if notification.context is not None and not notification.body_text:
        body_text, body_html = _render_bodies(
            kind=notification.kind, language=notification.language, context=notification.context
        )
        return Rendered(notification.subject, body_text, body_html)
    return Rendered(notification.subject, notification.body_text, notification.body_html)


# --- queueing ---------------------------------------------------------------------------------


def _normalise_email(address: str) -> str:
    address = (address or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            _("%(address)s is not a valid email address."),
            code="invalid_email",
            params={"address": address or "—"},
        ) from None
    return address


def _edition_of(about):
    """The edition an email is about (the object itself, or its ``edition``), or None."""
    from conference.models import Edition

    if about is None:
        return None
    if isinstance(about, Edition):
        return about
    edition = getattr(about, "edition", None)
    return edition if isinstance(edition, Edition) else None


def notification_queue(
    *,
    kind: str,
    recipient: str,
    language: str,
    context: dict[str, Any],
    event_key: str,
    about=None,
    edition=None,
) -> Notification:
    """Write one email into the outbox and deliver it after the surrounding transaction commits.

    Call it inside the transaction of the change it reports. Returns the existing row (and sends
    nothing new) when ``(event_key, recipient)`` was queued before. Raises ``ValidationError``
    for an invalid recipient address.

    The subject is rendered now. A context of plain values (:func:`_plain`) is stored as it is
    and the bodies are rendered by the delivery task (``notification_deliver``), outside the
    request that queued them; any other context is rendered now.
    """
    recipient = _normalise_email(recipient)
    language = _language(language)
    edition = edition if edition is not None else _edition_of(about)
    stored = _plain(context)
    if stored is None:
        rendered = notification_render(
            kind=kind, language=language, context=context, edition=edition
        )
    else:
        subject = _render_subject(kind=kind, language=language, context=context, edition=edition)
        rendered = Rendered(subject=subject, body_text="", body_html="")
    notification = Notification(
        kind=kind,
        event_key=event_key,
        recipient=recipient,
        language=language,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        context=stored,
        edition_id=edition.pk if edition is not None else None,
    )
    if about is not None:
        notification.content_type = ContentType.objects.get_for_model(about)
        notification.object_id = str(about.pk)
    # The content type is ours and the states' check constraints hold for a new queued row; the
    # database enforces them anyway (checking them here cost seven queries per email).
    notification.full_clean(
        exclude=["recipient", "edition", "content_type", "body_text", "body_html", "context"],
        validate_unique=False,
        validate_constraints=False,
    )
    # The caller's transaction (one of its own when called outside any): the unique
    # (event_key, recipient) answers a twin, inside a savepoint so that the caller's
    # transaction stays usable; no lookup beforehand.
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            existing = Notification.objects.filter(event_key=event_key, recipient=recipient).first()
            if existing is None:
                raise
            return existing
        transaction.on_commit(partial(notification_dispatch, notification.pk), robust=True)
    return notification


def notification_dispatch(notification_id: int, *, countdown: float | None = None) -> bool:
    """Hand one row to the broker (or run it in-process with no broker). Never raises: a row
    whose task could not be published stays queued and the requeue job picks it up."""
    from conference.tasks import deliver_notification

    try:
        deliver_notification.apply_async((notification_id,), countdown=countdown, retry=False)
    except Exception:
        logger.warning(
            "Could not publish delivery of notification %s; the requeue job will retry.",
            notification_id,
            exc_info=True,
        )
        return False
    return True


# --- state changes ----------------------------------------------------------------------------


def _set_status(notification_id: int, *, to: str, where: dict | None = None, **fields) -> bool:
    """The one function that changes a notification's status: a conditional UPDATE that matches
    only rows whose status may become ``to`` (``Notification.TRANSITIONS``) and the extra
    ``where`` conditions. Returns whether the row changed."""
    sources = [source for source, targets in Notification.TRANSITIONS.items() if to in targets]
    updated = Notification.objects.filter(
        pk=notification_id, status__in=sources, **(where or {})
    ).update(status=to, updated_at=timezone.now(), **fields)
    return updated == 1


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: base × 2^(n-1), capped."""
    base = float(settings.OUTBOX_RETRY_DELAY)
    return min(base * 2 ** max(attempts - 1, 0), float(settings.OUTBOX_RETRY_DELAY_MAX))


def notification_claim(*, notification_id: int, token: str) -> bool:
    """Take a row for sending: queued and due, or still marked as claimed by this very task
    (it came back after its worker was lost mid-send). At most one claimer wins."""
    now = timezone.now()
    claimed = _set_status(
        notification_id,
        to=Status.SENDING,
        where={"status": Status.QUEUED, "next_attempt_at__lte": now},
        claimed_at=now,
        claim_token=token,
        attempts=F("attempts") + 1,
    )
    if not claimed and token:
        claimed = _set_status(
            notification_id,
            to=Status.SENDING,
            where={"status": Status.SENDING, "claim_token": token},
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return claimed


class PermanentFailure(Exception):
    """The message can never be delivered as it is (5xx reply, bad address)."""


def classify_error(error: BaseException) -> str:
    """``"permanent"`` or ``"temporary"`` for an exception raised while sending."""
    if isinstance(error, PermanentFailure | BadHeaderError):
        return "permanent"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "temporary"  # the site's configuration, not the message: fix it and it goes out
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return "permanent" if codes and all(code >= 500 for code in codes) else "temporary"
    if isinstance(error, smtplib.SMTPResponseException):
        return "permanent" if error.smtp_code >= 500 else "temporary"
    return "temporary"  # refused connections, time-outs, disconnections, OSError, the unexpected


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {_text(message)}"
            for address, (code, message) in error.recipients.items()
        ]
        return "SMTPRecipientsRefused: " + "; ".join(parts)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"[:2000]


def _finished(notification: Notification, body: str) -> str:
    """The body as sent: the kind's ``finish`` puts back the secrets the row does not hold."""
    kind = KINDS.get(notification.kind)
    return kind.finish(notification, body) if kind is not None and kind.finish else body


def _message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=_finished(notification, notification.body_text),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={
            "Message-ID": notification.message_id,
            "X-Notification-ID": str(notification.pk),
            "Content-Language": notification.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(_finished(notification, notification.body_html), "text/html")
    kind = KINDS.get(notification.kind)
    for attachment in kind.attachments(notification) if kind and kind.attachments else []:
        if attachment.content_id:
            part = MIMEBase(*attachment.mimetype.split("/", 1))
            part.set_payload(attachment.content)
            encoders.encode_base64(part)
            part.add_header("Content-ID", f"<{attachment.content_id}>")
            part.add_header("Content-Disposition", "inline", filename=attachment.filename)
            message.attach(part)
        else:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def notification_deliver(*, notification_id: int, token: str) -> str:
    """Claim, send and record one notification; what the delivery task does. Returns the
    outcome: ``"skipped"`` (not ours to send now), ``"sent"``, ``"retry"`` or ``"failed"``.

    Runs outside any transaction on purpose: every state change is committed at once, and the
    row is marked sent right after the SMTP server accepted the message."""
    if not notification_claim(notification_id=notification_id, token=token):
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    connection = None
    try:
        if notification.context is not None and not notification.body_text:
            _render_claimed(notification, token=token)
        connection = get_connection(fail_silently=False)
        connection.open()
        if connection.send_messages([_message(notification)]) != 1:
            raise PermanentFailure("The email backend did not accept the message.")
    except Exception as error:  # classified below; nothing may escape without a state change
        if connection is not None:
            _close_quietly(connection)
        return _record_failure(notification, error, token=token)
    mine = {"claim_token": token}
    _set_status(notification_id, to=Status.SENT, where=mine, sent_at=timezone.now(), last_error="")
    _close_quietly(connection)
    return "sent"


def _render_claimed(notification: Notification, *, token: str) -> None:
    """Render the bodies of a claimed row from its stored context and keep them in the row
    (the delivery log shows the email as sent); the token of a manage link stays out of them
    (the context holds the placeholder, the kind's ``finish`` puts the token in)."""
    rendered = notification_rendered(notification)
    Notification.objects.filter(pk=notification.pk, claim_token=token).update(
        body_text=rendered.body_text, body_html=rendered.body_html
    )
    notification.body_text, notification.body_html = rendered.body_text, rendered.body_html


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # the message is sent already; a failed QUIT changes nothing
        logger.info("Closing the email connection failed", exc_info=True)


def _record_failure(notification: Notification, error: BaseException, *, token: str) -> str:
    description = _describe(error)
    mine = {"claim_token": token}
    attempts = notification.attempts
    if classify_error(error) == "permanent" or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.warning("Notification %s failed: %s", notification.pk, description)
        _set_status(notification.pk, to=Status.FAILED, where=mine, last_error=description)
        return "failed"
    delay = retry_delay(attempts)
    _set_status(
        notification.pk,
        to=Status.QUEUED,
        where=mine,
        last_error=description,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
    )
    logger.info("Notification %s will be retried in %ss: %s", notification.pk, delay, description)
    notification_dispatch(notification.pk, countdown=delay)
    return "retry"


# --- self-healing -----------------------------------------------------------------------------


def notifications_requeue(*, limit: int = 500) -> dict[str, int]:
    """The periodic job: dispatch queued rows whose task was lost, requeue rows whose worker died
    mid-send (or fail them when their attempts are used up). Returns what it did."""
    now = timezone.now()
    sending_before = now - datetime.timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    requeued: list[int] = []
    failed = 0
    for row in Notification.objects.stale_sending(older_than=sending_before).values(
        "pk", "attempts", "claim_token"
    )[:limit]:
        where = {"claim_token": row["claim_token"], "claimed_at__lt": sending_before}
        if row["attempts"] >= settings.OUTBOX_MAX_ATTEMPTS:
            error = gettext("The worker was lost while sending, and no attempts are left.")
            failed += _set_status(row["pk"], to=Status.FAILED, where=where, last_error=error)
        elif _set_status(
            row["pk"],
            to=Status.QUEUED,
            where=where,
            last_error=gettext("The worker was lost while sending; requeued."),
            next_attempt_at=now,
        ):
            requeued.append(row["pk"])
    # Overdue queued rows: their task never reached a worker. Moving next_attempt_at to now
    # dispatches a row again at most once per OUTBOX_REQUEUE_AFTER while the broker is away.
    overdue_before = now - datetime.timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER)
    overdue = list(
        Notification.objects.stale_queued(older_than=overdue_before)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    Notification.objects.filter(pk__in=overdue, status=Status.QUEUED).update(
        next_attempt_at=now, updated_at=now
    )
    dispatched = sum(notification_dispatch(pk) for pk in [*requeued, *overdue])
    return {"requeued": len(requeued), "failed": failed, "dispatched": dispatched}


# --- organiser actions ------------------------------------------------------------------------


AUDIT_ACTIONS = {
    "notification.retry": pgettext_lazy("audit action", "email retried"),
    "notification.resend": pgettext_lazy("audit action", "email sent again"),
    "notification.send_test": pgettext_lazy("audit action", "test email sent"),
}


def _audit(*, actor, action: str, notification: Notification, **kwargs) -> None:
    audit_record(subject=notification, action=action, actor=actor, **kwargs)


@transaction.atomic
def notification_retry(*, notification: Notification, actor) -> Notification:
    """Send a failed (or waiting) email again now, with a fresh count of attempts."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in (Status.FAILED, Status.QUEUED):
        raise ValidationError(
            _("Only failed or queued emails can be retried; this one is %(status)s."),
            code="invalid_transition",
            params={"status": notification.get_status_display()},
        )
    previous = {"attempts": notification.attempts, "last_error": notification.last_error}
    if notification.status == Status.FAILED:
        _set_status(notification.pk, to=Status.QUEUED, attempts=0, next_attempt_at=timezone.now())
    else:
        Notification.objects.filter(pk=notification.pk).update(
            attempts=0, next_attempt_at=timezone.now(), updated_at=timezone.now()
        )
    _audit(
        actor=actor,
        action="notification.retry",
        notification=notification,
        from_state=notification.status,
        to_state=Status.QUEUED,
        data=previous,
    )
    transaction.on_commit(partial(notification_dispatch, notification.pk), robust=True)
    notification.refresh_from_db()
    return notification


# A second resend of the same email within this time is taken for a double click and refused.
RESEND_INTERVAL = datetime.timedelta(minutes=1)


@transaction.atomic
def notification_resend(*, notification: Notification, actor) -> Notification:
    """Send the same email once more, as a new row whose event key names the original. Only
    for sent or failed emails: one still on its way would arrive twice.

    A double click makes one copy: the original row is locked; another resend is refused while
    the previous copy is still queued or sending, or was made less than
    ``RESEND_INTERVAL`` seconds ago (delivered at once, it is no longer queued when the second
    click gets the lock); and the copy's event key is the original's n-th resend
    (``resend:<original>:<n>``), so two resends that counted the same n cannot both be stored
    (the unique event key), even where rows cannot be locked."""
    original = Notification.objects.select_for_update().get(pk=notification.pk)
    if original.status not in (Status.SENT, Status.FAILED):
        raise ValidationError(
            _("Only sent or failed emails can be resent; this one is %(status)s."),
            code="invalid_state",
            params={"status": original.get_status_display()},
        )
    latest = original.resends.order_by("-created_at", "-pk").first()
    if latest is not None and latest.status in (Status.QUEUED, Status.SENDING):
        raise ValidationError(
            _(
                "This email has just been resent and that copy is not delivered yet "
                "(%(status)s); resend it again once the copy is sent or failed."
            ),
            code="resend_pending",
            params={"status": latest.get_status_display()},
        )
    if latest is not None and timezone.now() - latest.created_at < RESEND_INTERVAL:
        raise _resent_just_now()
    copy = Notification(
        kind=original.kind,
        event_key=f"resend:{original.pk}:{original.resends.count() + 1}",
        recipient=original.recipient,
        language=original.language,
        edition_id=original.edition_id,
        content_type_id=original.content_type_id,
        object_id=original.object_id,
        subject=original.subject,
        body_text=original.body_text,
        body_html=original.body_html,
        context=original.context,
        resend_of=original,
    )
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
    except IntegrityError:  # a concurrent resend of the same original stored its copy first
        raise _resent_just_now() from None
    _audit(
        actor=actor,
        action="notification.resend",
        notification=original,
        from_state=original.status,
        data={"new_notification": copy.pk},
    )
    transaction.on_commit(partial(notification_dispatch, copy.pk), robust=True)
    return copy


def _resent_just_now() -> ValidationError:
    return ValidationError(
        _("This email was resent less than a minute ago; it is not resent twice in a row."),
        code="resent_just_now",
    )


@transaction.atomic
def notification_send_test(*, recipient: str, language: str, actor) -> Notification:
    """Queue the "test email" kind to check that delivery works end to end."""
    notification = notification_queue(
        kind="outbox_test",
        recipient=recipient,
        language=language,
        context={
            "sender_name": (getattr(actor, "get_full_name", lambda: "")() or str(actor or ""))
            or gettext("an organiser"),
            "requested_at": timezone.now(),
        },
        event_key=f"outbox_test:{uuid.uuid4().hex}",
    )
    _audit(
        actor=actor,
        action="notification.send_test",
        notification=notification,
        to_state=notification.status,
    )
    return notification


# --- health -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxHealth:
    """What the delivery log's notice and ``manage.py outbox_health`` report. *Stuck* rows are
    late beyond what self-healing takes (the requeue job should have moved them: the workers,
    beat or Redis are down); *retrying* rows wait for another attempt after an error (SMTP
    refused or unreachable); *failed* rows will not be sent without an organizer."""

    stuck: int
    stuck_since: datetime.datetime | None  # when the oldest stuck row was due (or claimed)
    retrying: int
    retrying_since: datetime.datetime | None  # when the oldest retried row was written
    failed: int
    failed_latest: datetime.datetime | None  # when the latest row failed
    last_sent: datetime.datetime | None


def stuck_after() -> dict[str, float]:
    """Seconds after which a queued row (past its due time) or a sending row (past its claim) is
    stuck: the longest self-healing may take, plus one more run of the requeue job."""
    every = float(settings.OUTBOX_REQUEUE_EVERY)
    return {
        "queued": float(settings.OUTBOX_REQUEUE_AFTER) + 2 * every,
        "sending": float(settings.OUTBOX_SENDING_TIMEOUT) + 2 * every,
    }


def outbox_health(*, now: datetime.datetime | None = None) -> OutboxHealth:
    """Counts and ages of stuck, retrying and failed emails, in one query."""
    from django.db.models import Count, Max, Min, Q

    now = now or timezone.now()
    after = stuck_after()
    stuck_queued = Q(
        status=Status.QUEUED,
        next_attempt_at__lt=now - datetime.timedelta(seconds=after["queued"]),
    )
    stuck_sending = Q(
        status=Status.SENDING,
        claimed_at__lt=now - datetime.timedelta(seconds=after["sending"]),
    )
    retrying = Q(status__in=[Status.QUEUED, Status.SENDING], attempts__gte=1) & ~Q(last_error="")
    failed = Q(status=Status.FAILED)
    row = Notification.objects.aggregate(
        stuck_queued=Count("pk", filter=stuck_queued),
        stuck_queued_since=Min("next_attempt_at", filter=stuck_queued),
        stuck_sending=Count("pk", filter=stuck_sending),
        stuck_sending_since=Min("claimed_at", filter=stuck_sending),
        retrying=Count("pk", filter=retrying),
        retrying_since=Min("created_at", filter=retrying),
        failed=Count("pk", filter=failed),
        failed_latest=Max("updated_at", filter=failed),
        last_sent=Max("sent_at"),
    )
    since = [row["stuck_queued_since"], row["stuck_sending_since"]]
    return OutboxHealth(
        stuck=row["stuck_queued"] + row["stuck_sending"],
        stuck_since=min((value for value in since if value is not None), default=None),
        retrying=row["retrying"],
        retrying_since=row["retrying_since"],
        failed=row["failed"],
        failed_latest=row["failed_latest"],
        last_sent=row["last_sent"],
    )
