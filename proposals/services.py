"""Writes with rules: proposals, reviews, decisions, answers and the carry-over.

Every function is keyword-only, owns its transaction, locks the proposal it changes
(``select_for_update``), validates (``full_clean``), saves with ``update_fields``, writes an audit
entry and queues its emails through the outbox inside the same transaction (they leave after the
commit; a rolled-back change sends nothing). A proposal's state changes only in :func:`_set_state`,
which checks ``Proposal.TRANSITIONS``.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conference.dates import deadline_text, short_datetime
from conference.models import Edition
from conference.predicates import REVIEWER, roles
from conference.services.audit import audit_record
from proposals import notifications
from proposals.files import check_size, detect_kind
from proposals.models import (
    Attachment,
    Decision,
    MinistryResponse,
    PolicyArea,
    Proposal,
    ProposalWindow,
    Review,
    ReviewerAssignment,
)
from proposals.rules import is_own_province

State = Proposal.State

# What a department writes (the form's fields, and what the service accepts).
PROPOSAL_FIELDS = (
    "kind",
    "title",
    "area",
    "addressed_to",
    "summary",
    "full_text",
    "legal_references",
    "presenter_name",
    "presenter_title",
)


# ---------------------------------------------------------------------------------------------
# The proposal window
# ---------------------------------------------------------------------------------------------


def proposal_window(edition: Edition) -> ProposalWindow | None:
    try:
        return edition.proposal_window
    except ProposalWindow.DoesNotExist:
        return None


def submission_open(edition: Edition, now: datetime.datetime | None = None) -> bool:
    window = proposal_window(edition)
    now = now or timezone.now()
    return bool(
        window is not None
        and (window.opens_at is None or window.opens_at <= now)
        and now < window.closes_at
    )


def proposal_window_message(edition: Edition, now: datetime.datetime | None = None) -> str:
    """The sentence a liaison reads about the window: open until …, opens on …, closed."""
    window = proposal_window(edition)
    now = now or timezone.now()
    if window is None:
        return gettext("Proposals for this edition have not been scheduled yet.")
    if window.opens_at is not None and now < window.opens_at:
        return gettext("Proposals may be submitted from %(when)s.") % {
            "when": short_datetime(window.opens_at)
        }
    if now < window.closes_at:
        return gettext("Proposals may be submitted until %(when)s.") % {
            "when": deadline_text(window.closes_at)
        }
    return gettext("Proposals could be submitted until %(when)s; the deadline has passed.") % {
        "when": deadline_text(window.closes_at)
    }


# ---------------------------------------------------------------------------------------------
# The one state-change function
# ---------------------------------------------------------------------------------------------


def _set_state(
    proposal: Proposal,
    to: str,
    *,
    actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> None:
    """Move ``proposal`` (locked by the caller) to ``to``: checks the transition, saves the state
    with ``fields``, writes the audit entry."""
    source = proposal.state
    if to not in Proposal.TRANSITIONS[source]:
        raise ValidationError(
            gettext("A proposal that is “%(from)s” cannot become “%(to)s”.")
            % {"from": State(source).label, "to": State(to).label},
            code="invalid_transition",
        )
    proposal.state = to
    proposal.save(update_fields=["state", "updated_at", *fields])
    audit_record(
        subject=proposal,
        action=f"proposal.{to}",
        actor=actor,
        reason=reason,
        from_state=source,
        to_state=to,
        data=data,
    )


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("edition", "unit")
        .get(pk=proposal.pk)
    )


# ---------------------------------------------------------------------------------------------
# Department: drafts, attachments, submission, withdrawal
# ---------------------------------------------------------------------------------------------


def _apply(proposal: Proposal, data: dict[str, Any]) -> list[str]:
    changed = []
    for name in PROPOSAL_FIELDS:
        if name not in data:
            continue
        field = Proposal._meta.get_field(name)
        value = data[name]
        if field.is_relation:
            current, new = getattr(proposal, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(proposal, name), value
        if current != new:
            setattr(proposal, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def proposal_create(*, edition: Edition, department, data: dict[str, Any], actor) -> Proposal:
    """A draft of ``department`` for ``edition``; refused once the deadline has passed."""
    window = proposal_window(edition)
    if window is not None and timezone.now() >= window.closes_at:
        raise ValidationError(proposal_window_message(edition), code="window_closed")
    proposal = Proposal(edition=edition, department=department, unit=department.unit)
    _apply(proposal, data)
    proposal.created_by = actor if getattr(actor, "pk", None) else None
    proposal.full_clean()
    proposal.save()
    audit_record(subject=proposal, action="proposal.create", actor=actor, to_state=State.DRAFT)
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, data: dict[str, Any], actor) -> Proposal:
    proposal = _locked(proposal)
    if not proposal.is_editable:
        raise ValidationError(
            gettext("This proposal can no longer be changed: its review has started."),
            code="not_editable",
        )
    changed = _apply(proposal, data)
    if not changed:
        return proposal
    proposal.full_clean()
    proposal.save(update_fields=[*changed, "updated_at"])
    audit_record(subject=proposal, action="proposal.update", actor=actor, data={"fields": changed})
    return proposal


@transaction.atomic
def attachment_add(*, proposal: Proposal, upload, actor) -> Attachment:
    """Store ``upload`` (an uploaded file) if its content is a PDF, DOCX or XLSX and it fits
    the limits; under a random name in the private folder."""
    proposal = _locked(proposal)
    if not proposal.is_editable:
        raise ValidationError(
            gettext("Files can no longer be added: the review of this proposal has started."),
            code="not_editable",
        )
    name = (getattr(upload, "name", "") or "file")[-255:]
    existing = list(proposal.attachments.filter(is_response=False).values_list("size", flat=True))
    check_size(size=upload.size, name=name, already=sum(existing), count=len(existing))
    kind = detect_kind(upload, name)
    attachment = Attachment(
        proposal=proposal,
        kind=kind,
        original_name=name,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    _store(attachment, upload, name)
    audit_record(
        subject=proposal,
        action="proposal.attachment_add",
        actor=actor,
        data={"file": name, "kind": kind, "size": upload.size},
    )
    return attachment


def _store(attachment: Attachment, upload, name: str) -> None:
    """Write the file under a random name, then the row; the file is removed again if the row
    cannot be saved (nothing half-written)."""
    attachment.file.save(name, upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor) -> None:
    proposal = _locked(attachment.proposal)
    if not proposal.is_editable or attachment.is_response:
        raise ValidationError(
            gettext("Files can no longer be removed: the review of this proposal has started."),
            code="not_editable",
        )
    name, stored = attachment.original_name, attachment.file.name
    attachment.delete()
    audit_record(
        subject=proposal, action="proposal.attachment_delete", actor=actor, data={"file": name}
    )
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor) -> Proposal:
    """A draft (until the deadline) or a proposal sent back for revision (any time) goes to the
    organizers; the department's liaisons are told it was received."""
    proposal = _locked(proposal)
    if proposal.state == State.DRAFT and not submission_open(proposal.edition):
        raise ValidationError(proposal_window_message(proposal.edition), code="window_closed")
    proposal.full_clean()
    resubmitted = proposal.state == State.NEEDS_REVISION
    proposal.submitted_at = timezone.now()
    _set_state(
        proposal,
        State.SUBMITTED,
        actor=actor,
        data={"resubmitted": True} if resubmitted else None,
        fields=["submitted_at"],
    )
    notifications.queue_to_department(
        proposal, "proposal_received", key=proposal.submitted_at.isoformat()
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor, reason: str) -> Proposal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("Please say why the proposal is withdrawn.")}, code="required"
        )
    proposal = _locked(proposal)
    _set_state(proposal, State.WITHDRAWN, actor=actor, reason=reason)
    return proposal


# ---------------------------------------------------------------------------------------------
# Reviewers and reviews
# ---------------------------------------------------------------------------------------------


@dataclass
class AssignmentResult:
    created: list[ReviewerAssignment] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _refusal(proposal: Proposal, reviewer) -> str:
    if REVIEWER not in roles(reviewer):
        return gettext("%(reviewer)s is not a reviewer.") % {"reviewer": reviewer}
    if is_own_province(reviewer, proposal):
        return gettext(
            "%(reviewer)s cannot review “%(title)s”: it comes from their own province (%(unit)s)."
        ) % {"reviewer": reviewer, "title": proposal.title, "unit": proposal.unit.name}
    if proposal.state not in Proposal.REVIEWABLE:
        return gettext("“%(title)s” is “%(state)s”: reviewers can no longer be assigned.") % {
            "title": proposal.title,
            "state": proposal.get_state_display(),
        }
    return ""


@transaction.atomic
def reviewers_assign(
    *, proposals: Iterable[Proposal], reviewers: Iterable, actor, strict: bool = True
) -> AssignmentResult:
    """Assign every reviewer to every proposal. A reviewer from the proposal's own province, a
    user without the reviewer role or a proposal past review is refused: with ``strict`` (by
    hand) the whole call is refused with the messages; otherwise (in bulk, by area) those pairs
    are skipped and reported. Each reviewer gets one email for the whole batch."""
    reviewers = list(reviewers)
    ids = sorted({p.pk for p in proposals})
    locked = list(
        Proposal.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    existing = set(
        ReviewerAssignment.objects.filter(proposal__in=ids).values_list(
            "proposal_id", "reviewer_id"
        )
    )
    result = AssignmentResult()
    pairs = []
    for proposal in locked:
        for reviewer in reviewers:
            if (proposal.pk, reviewer.pk) in existing:
                continue
            refusal = _refusal(proposal, reviewer)
            if refusal:
                result.refused.append(refusal)
            else:
                pairs.append((proposal, reviewer))
    if strict and result.refused:
        raise ValidationError(result.refused, code="assignment_refused")
    batch = uuid.uuid4().hex
    by_reviewer: dict[int, list[Proposal]] = defaultdict(list)
    for proposal, reviewer in pairs:
        assignment = ReviewerAssignment.objects.create(
            proposal=proposal,
            reviewer=reviewer,
            assigned_by=actor if getattr(actor, "pk", None) else None,
            batch=batch,
        )
        result.created.append(assignment)
        by_reviewer[reviewer.pk].append(proposal)
        audit_record(
            subject=proposal,
            action="proposal.reviewer_assign",
            actor=actor,
            data={"reviewer": str(reviewer), "reviewer_id": reviewer.pk},
        )
        if proposal.state == State.SUBMITTED:
            _set_state(proposal, State.IN_REVIEW, actor=actor)
    for reviewer in reviewers:
        if by_reviewer.get(reviewer.pk):
            notifications.queue_reviewer_digest(reviewer, by_reviewer[reviewer.pk], batch=batch)
    return result


def reviewers_assign_by_area(
    *, edition: Edition, area: PolicyArea, reviewers: Iterable, actor
) -> AssignmentResult:
    """Every proposal of ``edition`` in ``area`` awaiting review gets these reviewers (those
    from a proposal's own province are skipped for it)."""
    proposals = Proposal.objects.filter(
        edition=edition, area=area, state__in=[State.SUBMITTED, State.IN_REVIEW]
    )
    return reviewers_assign(proposals=proposals, reviewers=reviewers, actor=actor, strict=False)


@transaction.atomic
def reviewer_unassign(*, assignment: ReviewerAssignment, actor) -> None:
    proposal = _locked(assignment.proposal)
    if proposal.state not in Proposal.REVIEWABLE:
        raise ValidationError(gettext("The review of this proposal is over."), code="closed")
    Review.objects.filter(proposal=proposal, reviewer=assignment.reviewer_id).delete()
    assignment.delete()
    audit_record(
        subject=proposal,
        action="proposal.reviewer_unassign",
        actor=actor,
        data={"reviewer": str(assignment.reviewer), "reviewer_id": assignment.reviewer_id},
    )


@transaction.atomic
def review_save(
    *,
    proposal: Proposal,
    reviewer,
    score: int,
    recommendation: str,
    comments: str = "",
    related_proposal: Proposal | None = None,
) -> Review:
    """Write or change ``reviewer``'s review; possible until the decisions are published."""
    proposal = _locked(proposal)
    if not proposal.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(
            gettext("You are not assigned to review this proposal."), code="not_assigned"
        )
    if is_own_province(reviewer, proposal):
        raise ValidationError(
            gettext("You cannot review a proposal from your own province."), code="own_province"
        )
    if proposal.state not in Proposal.REVIEWABLE:
        raise ValidationError(
            gettext("Decisions on this proposal are published: reviews can no longer change."),
            code="closed",
        )
    if recommendation in ("merge", "duplicate") and related_proposal is None:
        raise ValidationError(
            {"related_proposal": gettext("Name the proposal to merge into or duplicated.")},
            code="required",
        )
    if related_proposal is not None and (
        related_proposal.pk == proposal.pk or related_proposal.edition_id != proposal.edition_id
    ):
        raise ValidationError(
            {"related_proposal": gettext("Choose another proposal of the same edition.")},
            code="invalid",
        )
    review = Review.objects.filter(proposal=proposal, reviewer=reviewer).first()
    created = review is None
    review = review or Review(proposal=proposal, reviewer=reviewer)
    review.score = score
    review.recommendation = recommendation
    review.comments = (comments or "").strip()
    review.related_proposal = related_proposal if recommendation in ("merge", "duplicate") else None
    review.full_clean()
    review.save()
    audit_record(
        subject=proposal,
        action="proposal.review_create" if created else "proposal.review_update",
        actor=reviewer,
        data={"score": score, "recommendation": recommendation},
    )
    return review


@dataclass(frozen=True)
class ReviewSummary:
    count: int
    mean: float | None
    median: float | None
    recommendations: dict[str, int]


def review_summary(reviews: Iterable[Review]) -> ReviewSummary:
    reviews = list(reviews)
    scores = sorted(r.score for r in reviews)
    median = None
    if scores:
        middle = len(scores) // 2
        median = (
            float(scores[middle]) if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
        )
    counted: dict[str, int] = {}
    for review in reviews:
        label = str(review.get_recommendation_display())
        counted[label] = counted.get(label, 0) + 1
    return ReviewSummary(
        count=len(scores),
        mean=(sum(scores) / len(scores)) if scores else None,
        median=median,
        recommendations=counted,
    )


# ---------------------------------------------------------------------------------------------
# Decisions: recorded, then published together
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    outcome: str,
    actor,
    reason: str = "",
    related_proposal: Proposal | None = None,
) -> Decision:
    """Record (or change) the decision on ``proposal``; it reaches the department only when the
    edition's decisions are published (:func:`decisions_publish`)."""
    proposal = _locked(proposal)
    if proposal.state not in Proposal.DECIDABLE:
        raise ValidationError(
            gettext("A proposal that is “%(state)s” cannot be decided.")
            % {"state": proposal.get_state_display()},
            code="not_decidable",
        )
    reason = (reason or "").strip()
    if outcome in (Decision.Outcome.REJECT, Decision.Outcome.REVISE) and not reason:
        raise ValidationError(
            {"reason": gettext("Give the reason, or what to revise: the department reads it.")},
            code="required",
        )
    merge = outcome in (Decision.Outcome.MERGE, Decision.Outcome.DUPLICATE)
    if merge and related_proposal is None:
        raise ValidationError(
            {"related_proposal": gettext("Name the proposal to merge into or duplicated.")},
            code="required",
        )
    if merge and (
        related_proposal.pk == proposal.pk or related_proposal.edition_id != proposal.edition_id
    ):
        raise ValidationError(
            {"related_proposal": gettext("Choose another proposal of the same edition.")},
            code="invalid",
        )
    decision = proposal.decisions.filter(published_at__isnull=True).first() or Decision(
        proposal=proposal
    )
    decision.outcome = outcome
    decision.reason = reason
    decision.related_proposal = related_proposal if merge else None
    decision.decided_by = actor if getattr(actor, "pk", None) else None
    decision.full_clean(validate_constraints=False)
    decision.save()
    if proposal.state != State.DECIDED:
        _set_state(proposal, State.DECIDED, actor=actor, reason=reason, data={"outcome": outcome})
    else:
        audit_record(
            subject=proposal,
            action="proposal.decision_change",
            actor=actor,
            reason=reason,
            data={"outcome": outcome},
        )
    return decision


@transaction.atomic
def decisions_publish(*, edition: Edition, actor) -> list[Proposal]:
    """Publish every recorded decision of ``edition`` at once: each proposal takes its decided
    state and its department is told. Running it again publishes only what was decided since."""
    proposals = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(edition=edition, state=State.DECIDED)
        .select_related("edition", "unit")
        .order_by("pk")
    )
    decisions = {
        d.proposal_id: d
        for d in Decision.objects.select_for_update(of=("self",))
        .filter(proposal__in=proposals, published_at__isnull=True)
        .select_related("related_proposal")
    }
    now = timezone.now()
    published = []
    for proposal in proposals:
        decision = decisions.get(proposal.pk)
        if decision is None:
            continue
        decision.published_at = now
        decision.save(update_fields=["published_at"])
        _set_state(
            proposal,
            Decision.STATES[decision.outcome],
            actor=actor,
            reason=decision.reason,
            data={"outcome": decision.outcome, "published": True},
        )
        notifications.queue_to_department(
            proposal, "proposal_decision", key=str(decision.pk), decision=decision
        )
        published.append(proposal)
    return published


# ---------------------------------------------------------------------------------------------
# After the edition: forwarding, answers, carry-over
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_forward(*, proposal: Proposal, actor, note: str = "") -> Proposal:
    """An accepted proposal is sent on to its addressee; it now awaits an answer."""
    proposal = _locked(proposal)
    _set_state(proposal, State.FORWARDED, actor=actor, reason=(note or "").strip())
    return proposal


@transaction.atomic
def response_record(
    *,
    proposal: Proposal,
    status: str,
    date: datetime.date,
    issued_by: str,
    text: str,
    actor,
    number: str = "",
    upload=None,
) -> MinistryResponse:
    """Record the addressee's answer (with its file); the proposal becomes answered or partly
    answered and the department is told."""
    proposal = _locked(proposal)
    if proposal.state not in (State.ACCEPTED, State.FORWARDED, State.PARTLY_ANSWERED):
        raise ValidationError(
            gettext("Only an accepted proposal awaiting an answer can have one recorded."),
            code="not_open",
        )
    response = MinistryResponse(
        proposal=proposal,
        status=status,
        date=date,
        number=(number or "").strip(),
        issued_by=(issued_by or "").strip(),
        text=(text or "").strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    response.full_clean(exclude=["attachment"])
    if upload is not None:
        name = (getattr(upload, "name", "") or "file")[-255:]
        check_size(size=upload.size, name=name, already=0, count=0)
        kind = detect_kind(upload, name)
        attachment = Attachment(
            proposal=proposal,
            kind=kind,
            original_name=name,
            size=upload.size,
            is_response=True,
            uploaded_by=response.recorded_by,
        )
        _store(attachment, upload, name)
        response.attachment = attachment
    response.save()
    target = State.ANSWERED if status == MinistryResponse.Status.ANSWERED else State.PARTLY_ANSWERED
    data = {"response": response.pk, "number": response.number}
    if proposal.state == target:  # a further partial answer
        audit_record(subject=proposal, action="proposal.response", actor=actor, data=data)
    else:
        _set_state(proposal, target, actor=actor, data=data)
    notifications.queue_to_department(
        proposal, "proposal_answered", key=str(response.pk), response=response
    )
    return response


@transaction.atomic
def proposals_carry_over(*, source: Edition, target: Edition, actor) -> list[Proposal]:
    """Every proposal of ``source`` still awaiting an answer is listed in ``target`` as open,
    linked to its history (``carried_over_from``). Running it again carries nothing twice: a
    carried-over proposal is no longer open, and a proposal can be carried over only once (a
    database constraint)."""
    if source.pk == target.pk or target.number <= source.number:
        raise ValidationError(
            gettext("Proposals are carried over to a later edition."), code="invalid_target"
        )
    originals = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(edition=source, state__in=Proposal.OPEN, carried_over_to__isnull=True)
        .select_related("unit", "area")
        .order_by("pk")
    )
    created = []
    for original in originals:
        copy = Proposal(
            edition=target,
            department_id=original.department_id,
            unit=original.unit,
            carried_over_from=original,
            state=original.state,
            submitted_at=original.submitted_at,
            created_by=original.created_by,
            **{name: getattr(original, name) for name in PROPOSAL_FIELDS if name != "area"},
            area=original.area,
        )
        copy.full_clean()
        copy.save()
        audit_record(
            subject=copy,
            action="proposal.carried_in",
            actor=actor,
            to_state=copy.state,
            data={"from_proposal": original.pk, "from_edition": source.number},
        )
        _set_state(
            original,
            State.CARRIED_OVER,
            actor=actor,
            data={"to_proposal": copy.pk, "to_edition": target.number},
        )
        created.append(copy)
    return created


def proposal_history(proposal: Proposal) -> list[Proposal]:
    """The proposal and the ones it was carried over from, newest first (one query a step;
    chains are a few editions long)."""
    chain = [proposal]
    current = proposal
    while current.carried_over_from_id:
        current = Proposal.objects.with_related().get(pk=current.carried_over_from_id)
        chain.append(current)
    return chain


# ---------------------------------------------------------------------------------------------
# The deadline reminder (periodic, see conference.schedule)
# ---------------------------------------------------------------------------------------------

REMINDER_DAYS = 3


def proposal_deadline_reminders_send(now: datetime.datetime | None = None) -> int:
    """Remind each liaison of a participating department, a few days before an edition's proposal
    deadline, of the deadline and of their drafts not yet submitted. Never twice for the same
    deadline (the event key names it)."""
    now = now or timezone.now()
    windows = ProposalWindow.objects.filter(
        closes_at__gt=now, closes_at__lte=now + datetime.timedelta(days=REMINDER_DAYS)
    ).select_related("edition")
    sent = 0
    for window in windows:
        with transaction.atomic():
            sent += notifications.queue_deadline_reminders(window)
    return sent


# Labels of the audit actions, shown in the admin's audit log.
AUDIT_ACTIONS = {
    "proposal.create": _("proposal created"),
    "proposal.update": _("proposal changed"),
    "proposal.attachment_add": _("file added"),
    "proposal.attachment_delete": _("file removed"),
    "proposal.reviewer_assign": _("reviewer assigned"),
    "proposal.reviewer_unassign": _("reviewer unassigned"),
    "proposal.review_create": _("review written"),
    "proposal.review_update": _("review changed"),
    "proposal.decision_change": _("decision changed"),
    "proposal.response": _("answer recorded"),
    "proposal.carried_in": _("carried over from the previous edition"),
    **{f"proposal.{state}": label for state, label in State.choices},
}
