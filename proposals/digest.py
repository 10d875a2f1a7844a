"""The part of the organizers' daily digest about proposals: those submitted or in review, which
wait for the organizers' decision (``conference.services.messages`` sends the digest; this app
adds its part in ``ProposalsConfig.ready()``, since the core never imports proposals)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from conference.predicates import ORGANIZER
from conference.services.messages import DIGEST_LINES, DigestSection
from proposals.models import Proposal

WAITING = [Proposal.State.SUBMITTED, Proposal.State.IN_REVIEW]


def proposals_waiting_section(user, roles) -> list[DigestSection]:
    if ORGANIZER not in roles:
        return []
    waiting = list(
        Proposal.objects.filter(state__in=WAITING)
        .select_related("unit")
        .order_by("submitted_at", "pk")
        .only("pk", "title", "unit__name")
    )
    if not waiting:
        return []
    return [
        DigestSection(
            title=gettext("Proposals waiting for a decision"),
            items=[f"proposal:{p.pk}" for p in waiting],
            lines=[f"{p.title} — {p.unit.name}" for p in waiting[:DIGEST_LINES]],
            more=max(len(waiting) - DIGEST_LINES, 0),
            path=reverse("proposals:manage"),
            link_text=gettext("Review and decide"),
        )
    ]
