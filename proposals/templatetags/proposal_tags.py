"""Helpers of the proposal pages: what a row of a list shows, in Python rather than in an included
template per row (an ``{% include %}`` per row cost more than the row), and the proposals shown
on an edition's page (``conference/edition_detail.html`` loads this library, so the core never
imports the proposals app)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from proposals.models import Decision, MinistryResponse, Proposal

register = template.Library()

S = Proposal.State
_BADGE_CLASS = {
    S.ACCEPTED: "text-bg-success",
    S.ANSWERED: "text-bg-success",
    S.REJECTED: "text-bg-secondary",
    S.WITHDRAWN: "text-bg-secondary",
    S.MERGED: "text-bg-secondary",
    S.DUPLICATE: "text-bg-secondary",
    S.NEEDS_REVISION: "text-bg-warning",
    S.DRAFT: "text-bg-light border",
}
# ``get_FOO_display`` builds a hashable copy of every choice (translating each lazy label) on
# each call; these look the label up directly.
_STATE_LABEL = dict(S.choices)
_KIND_LABEL = dict(Proposal.Kind.choices)
_OUTCOME_LABEL = dict(Decision.Outcome.choices)
_RESPONSE_LABEL = dict(MinistryResponse.Status.choices)


@register.filter
def state_badge(proposal: Proposal) -> str:
    """The proposal's state as a coloured badge (``proposal-state-<state>`` names the state)."""
    state = proposal.state
    return format_html(
        '<span class="badge proposal-state proposal-state-{} {}">{}</span>',
        state,
        _BADGE_CLASS.get(state, "text-bg-info"),
        _STATE_LABEL.get(state, state),
    )


@register.filter
def kind_label(proposal: Proposal) -> str:
    return _KIND_LABEL.get(proposal.kind, proposal.kind)


@register.filter
def outcome_label(decision: Decision) -> str:
    return _OUTCOME_LABEL.get(decision.outcome, decision.outcome)


@register.filter
def response_label(response: MinistryResponse) -> str:
    return _RESPONSE_LABEL.get(response.status, response.status)


_URL_PARTS: dict[tuple[str, str, str], tuple[str, str]] = {}
_PK = "2147483647"


def _url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``, the URLconf resolved once per name, language and script
    prefix (not for every row)."""
    key = (name, get_language() or "", get_script_prefix())
    parts = _URL_PARTS.get(key)
    if parts is None:
        before, after = reverse(name, args=[_PK]).rsplit(_PK, 1)
        parts = _URL_PARTS[key] = (before, after)
    return f"{parts[0]}{pk}{parts[1]}"


@register.filter
def detail_url(proposal: Proposal) -> str:
    """``proposal.get_absolute_url()``."""
    return _url("proposals:detail", proposal.pk)


@register.filter
def review_url(proposal: Proposal) -> str:
    return _url("proposals:review", proposal.pk)


@register.simple_tag
def manage_rows(proposals) -> str:
    """The rows of the organizers' list, written here: the template's loop over 50 rows with a
    dozen variables each was most of the page's time. Needs ``ProposalQuerySet.listed()``,
    ``with_review_summary()`` and ``attach_list_details``."""
    if not proposals:
        return format_html(
            '<tr><td colspan="8" class="text-body-secondary">{}</td></tr>',
            gettext("No proposal matches."),
        )
    carried = format_html(
        ' <span class="badge text-bg-light border">{}</span>', gettext("carried over")
    )
    rows = []
    for p in proposals:
        pk = str(p.pk)
        score = "—" if p.score_mean is None else floatformat(p.score_mean, 1)
        rows.append(
            format_html(
                '<tr class="proposal-row">'
                '<td><input class="form-check-input" type="checkbox" name="proposals" value="{}"'
                ' id="pick-{}" aria-label="{}"></td>'
                '<td><a href="{}">{}</a>{}</td><td>{}</td><td>{}</td><td>{}{}</td>'
                '<td class="small">{}</td><td class="text-end">{}</td>'
                '<td class="text-end">{}</td></tr>',
                pk,
                pk,
                p.title,
                _url("proposals:detail", pk),
                p.title,
                carried if p.carried_over_from_id else "",
                p.unit.name,
                p.area,
                state_badge(p),
                format_html_join(
                    "",
                    ' <span class="small text-body-secondary">({})</span>',
                    ((_OUTCOME_LABEL.get(o, o),) for o in p.pending_outcomes),
                ),
                ", ".join(p.reviewer_names) or "—",
                number_format(p.review_count),
                score,
            )
        )
    return mark_safe("\n".join(rows))


@register.inclusion_tag("proposals/edition_proposals.html", takes_context=True)
def edition_proposals(context, edition):
    proposals = list(Proposal.objects.for_edition(edition).public().with_public_details().ordered())
    return {"edition": edition, "proposals": proposals, "request": context.get("request")}
