"""Helpers of the proposal pages: what a row of a list shows, in Python rather than in an included
template per row (an ``{% include %}`` per row cost more than the row), and the proposals shown
on an edition's page (``conference/edition_detail.html`` loads this library, so the core never
imports the proposals app)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize, number_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from conference.templatetags.registration_tags import select_options
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


class _SharedParts:
    """What many rows of one page share (a province, a policy area, a state's badge), escaped
    and formatted once per page. ``names``: {"units": {id: name}, "areas": {id: name}} when
    the rows were read without their unit and area (``ProposalQuerySet.listed(related=False)``)."""

    def __init__(self, names=None) -> None:
        self.units: dict[int, str] = {}
        self.areas: dict[int, str] = {}
        self.badges: dict[str, str] = {}
        self.names = names

    def of(self, p: Proposal) -> tuple[str, str, str]:
        """The escaped province name, policy area and state badge of proposal ``p``."""
        unit = self.units.get(p.unit_id)
        if unit is None:
            name = self.names["units"].get(p.unit_id) if self.names else None
            if name is None:  # not among the names given: read (a query, if not loaded)
                name = p.unit.name
            unit = self.units[p.unit_id] = escape(name)
        area = self.areas.get(p.area_id)
        if area is None:
            name = self.names["areas"].get(p.area_id) if self.names else None
            if name is None:
                name = p.area
            area = self.areas[p.area_id] = conditional_escape(name)
        badge = self.badges.get(p.state)
        if badge is None:
            badge = self.badges[p.state] = state_badge(p)
        return unit, area, badge


@register.simple_tag
def reviewer_rows(proposals, names=None) -> str:
    """The reviewer's list, those still to review then those reviewed, each group under its
    heading, written here rather than by a template loop with a filter or two per row (the
    loop was most of the page's time). Needs ``ProposalQuerySet.for_reviewer()`` ordered by
    ``my_review_done`` and the unit and area of each proposal."""
    headings = {False: gettext("Still to review"), True: gettext("Reviewed")}
    groups = {False: "reviews-missing", True: "reviews-done"}
    shared = _SharedParts(names)
    parts = []
    group = None
    for p in proposals:
        done = bool(p.my_review_done)
        if done is not group:
            first = group is None
            parts.append(
                f"{'' if first else '</ul>'}\n"
                f'<h2 class="h5{"" if first else " mt-4"}">{headings[done]}</h2>\n'
                f'<ul class="list-group mb-4 {groups[done]}">'
            )
            group = done
        unit, area, badge = shared.of(p)
        score = ""
        if done:
            score = (
                gettext("Your score: %(score)s/5")
                % {"score": conditional_escape(localize(p.my_score))}
                + " "
            )
        parts.append(
            '<li class="list-group-item d-flex flex-wrap justify-content-between gap-2">\n'
            f'  <span><a href="{escape(_url("proposals:review", p.pk))}">{escape(p.title)}</a>'
            f' <span class="small text-body-secondary">{unit} · {area}</span></span>\n'
            f"  <span>{score}{badge}</span></li>"
        )
    if group is not None:
        parts.append("</ul>")
    return mark_safe("".join(parts))  # every value above is escaped


@register.simple_tag
def manage_rows(proposals, names=None) -> str:
    """The rows of the organizers' list, written here: the template's loop over 50 rows with a
    dozen variables each was most of the page's time. Needs ``ProposalQuerySet.listed()``,
    ``with_review_summary()``, ``with_pending_outcome()`` and ``attach_list_details``.

    What many rows share (a province, an area, a state's badge, a count, a mean) is escaped and
    formatted once per page; each row is one f-string of escaped parts."""
    if not proposals:
        return format_html(
            '<tr><td colspan="8" class="text-body-secondary">{}</td></tr>',
            gettext("No proposal matches."),
        )
    carried = format_html(
        ' <span class="badge text-bg-light border">{}</span>', gettext("carried over")
    )
    shared = _SharedParts(names)
    counts: dict[int, str] = {}
    scores: dict[object, str] = {}
    outcomes: dict[str, str] = {}
    rows = []
    for p in proposals:
        pk = p.pk
        title = escape(p.title)
        unit, area, badge = shared.of(p)
        pending = ""
        outcome = p.pending_outcome
        if outcome:
            pending = outcomes.get(outcome)
            if pending is None:
                pending = outcomes[outcome] = format_html(
                    ' <span class="small text-body-secondary">({})</span>',
                    _OUTCOME_LABEL.get(outcome, outcome),
                )
        count = counts.get(p.review_count)
        if count is None:
            count = counts[p.review_count] = escape(number_format(p.review_count))
        score = scores.get(p.score_mean)
        if score is None:
            score = scores[p.score_mean] = (
                "—" if p.score_mean is None else floatformat(p.score_mean, 1)
            )
        rows.append(
            '<tr class="proposal-row">'
            f'<td><input class="form-check-input" type="checkbox" name="proposals" value="{pk}"'
            f' id="pick-{pk}" aria-label="{title}"></td>'
            f'<td><a href="{escape(_url("proposals:detail", pk))}">{title}</a>'
            f"{carried if p.carried_over_from_id else ''}</td><td>{unit}</td><td>{area}</td>"
            f'<td>{badge}{pending}</td><td class="small">'
            f"{escape(', '.join(p.reviewer_names) or '—')}</td>"
            f'<td class="text-end">{count}</td><td class="text-end">{score}</td></tr>'
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def manage_filter_fields(form) -> str:
    """The organizers' filters, one column each (a search box, then selects), written here: the
    template's loop resolved a dozen variables per field through the bound fields."""
    placeholder = escape(gettext("title, summary, legal reference"))
    parts = []
    for field in form:
        id_for_label = escape(field.id_for_label)
        if field.name == "q":
            control = (
                f'<input class="form-control" type="search" name="q" id="{id_for_label}"'
                f' value="{conditional_escape(field.value() or "")}"'
                f' placeholder="{placeholder}">\n    '
            )
        else:
            control = (
                f'<select class="form-select" name="{escape(field.name)}" id="{id_for_label}">'
                f"{select_options(field)}</select>"
            )
        parts.append(
            '\n  <div class="col-6 col-md">\n'
            f'    <label class="form-label small" for="{id_for_label}">'
            f"{conditional_escape(field.label)}</label>\n    {control}\n  </div>\n  "
        )
    return mark_safe("".join(parts))  # every value above is escaped


@register.simple_tag
def reviewer_checkboxes(choices) -> str:
    """A checkbox per reviewer ((id, name) pairs) for the organizers' assignment form."""
    if not choices:
        return format_html(
            '<p class="small text-body-secondary">{}</p>', gettext("No reviewer account yet.")
        )
    return mark_safe(  # every value is escaped
        "".join(
            f'<div class="form-check"><input type="checkbox" class="form-check-input"'
            f' name="reviewers" value="{value}" id="assign-reviewer-{value}">'
            f'<label for="assign-reviewer-{value}" class="form-check-label">'
            f"{label}</label></div>\n      "
            for value, label in ((escape(v), conditional_escape(lb)) for v, lb in choices)
        )
    )


@register.simple_tag
def plain_options(choices) -> str:
    """``<option>`` tags for (value, label) pairs, none chosen."""
    return mark_safe(  # every value is escaped
        "".join(
            f'<option value="{escape(value)}">{conditional_escape(label)}</option>'
            for value, label in choices
        )
    )


@register.inclusion_tag("proposals/edition_proposals.html", takes_context=True)
def edition_proposals(context, edition):
    proposals = list(Proposal.objects.for_edition(edition).public().with_public_details().ordered())
    return {"edition": edition, "proposals": proposals, "request": context.get("request")}
