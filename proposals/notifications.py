"""The emails about proposals, queued through the outbox (``conference.outbox``), each in its
recipient's language (the account's ``language``):

- ``proposal_received``: to the department's liaisons, when a proposal is submitted;
- ``proposal_reviewers_assigned``: to a reviewer, one email per assignment batch listing every
  proposal assigned to them in it;
- ``proposal_decision``: to the department's liaisons, when the decisions are published;
- ``proposal_answered``: to the department's liaisons, when an answer is recorded;
- ``proposal_deadline_reminder``: to the liaisons of the participating departments, a few days
  before the proposal deadline (periodic job).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from conference import dates
from conference.outbox import notification_queue, register_kind

KINDS = {
    "proposal_received": (
        _("Your proposal “%(title)s” has been received"),
        _("Proposal received"),
    ),
    "proposal_reviewers_assigned": (
        _("Proposals assigned to you for review"),
        _("Proposals to review"),
    ),
    "proposal_decision": (
        _("Decision on your proposal “%(title)s”"),
        _("Decision on a proposal"),
    ),
    "proposal_answered": (
        _("An answer was recorded for your proposal “%(title)s”"),
        _("Answer to a proposal"),
    ),
    "proposal_deadline_reminder": (
        _("Proposals for %(edition_title)s: the deadline is near"),
        _("Proposal deadline reminder"),
    ),
}
for _name, (_subject, _label) in KINDS.items():
    register_kind(_name, subject=_subject, template=f"proposals/emails/{_name}", label=_label)


def _url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def department_liaisons(department) -> list:
    from provinces.models import DepartmentMember

    return [
        member.user
        for member in DepartmentMember.objects.filter(
            department=department, is_liaison=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    ]


def _proposal_context(proposal, language: str) -> dict:
    with translation.override(language):
        return {
            "title": proposal.title,
            "edition_title": proposal.edition.title,
            "department": proposal.department.display_name,
            "state": str(proposal.get_state_display()),
            "url": _url("proposals:detail", language, pk=proposal.pk),
            "is_demo": proposal.edition.is_demo,
        }


def queue_to_department(proposal, kind: str, *, key: str, decision=None, response=None) -> int:
    """Queue ``kind`` about ``proposal`` to each liaison of its department; returns how many."""
    count = 0
    for user in department_liaisons(proposal.department):
        language = _language(user)
        context = _proposal_context(proposal, language)
        context["full_name"] = user.get_full_name() or user.username
        with translation.override(language):
            if decision is not None:
                context["outcome"] = str(decision.get_outcome_display())
                context["reason"] = decision.reason
                context["related_title"] = (
                    decision.related_proposal.title if decision.related_proposal_id else ""
                )
            if response is not None:
                context.update(
                    response_status=str(response.get_status_display()),
                    response_date=dates.short_date(response.date),
                    response_number=response.number,
                    response_issued_by=response.issued_by,
                    response_text=response.text,
                )
        notification_queue(
            kind=kind,
            recipient=user.email,
            language=language,
            context=context,
            event_key=f"{kind}:{proposal.pk}:{key}",
            about=proposal,
        )
        count += 1
    return count


def queue_reviewer_digest(reviewer, proposals, *, batch: str) -> None:
    if not reviewer.email:
        return
    language = _language(reviewer)
    with translation.override(language):
        items = [
            {
                "title": p.title,
                "unit": p.unit.name,
                "url": _url("proposals:review", language, pk=p.pk),
            }
            for p in proposals
        ]
        notification_queue(
            kind="proposal_reviewers_assigned",
            recipient=reviewer.email,
            language=language,
            context={
                "full_name": reviewer.get_full_name() or reviewer.username,
                "proposals": items,
                "count": len(items),
                "dashboard_url": _url("proposals:reviewer_dashboard", language),
                "is_demo": proposals[0].edition.is_demo,
            },
            event_key=f"proposal_reviewers_assigned:{batch}:{reviewer.pk}",
            edition=proposals[0].edition,
        )


def queue_deadline_reminders(window) -> int:
    """One reminder per liaison of each participating department for this deadline."""
    from conference.dates import deadline_text
    from proposals.models import Proposal
    from provinces.models import Department

    edition = window.edition
    departments = Department.objects.filter(unit__participations__edition=edition).select_related(
        "unit"
    )
    drafts = dict.fromkeys([d.pk for d in departments], 0)
    for department_id in Proposal.objects.filter(
        edition=edition, state=Proposal.State.DRAFT
    ).values_list("department_id", flat=True):
        drafts[department_id] = drafts.get(department_id, 0) + 1
    count = 0
    for department in departments:
        for user in department_liaisons(department):
            language = _language(user)
            with translation.override(language):
                context = {
                    "full_name": user.get_full_name() or user.username,
                    "edition_title": edition.title,
                    "deadline": deadline_text(window.closes_at),
                    "drafts": drafts.get(department.pk, 0),
                    "url": _url("proposals:mine", language),
                    "is_demo": edition.is_demo,
                }
            notification_queue(
                kind="proposal_deadline_reminder",
                recipient=user.email,
                language=language,
                context=context,
                event_key=(
                    f"proposal_deadline_reminder:{edition.pk}:{window.closes_at.isoformat()}:"
                    f"{user.pk}"
                ),
                edition=edition,
            )
            count += 1
    return count
