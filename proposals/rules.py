"""Who may do what with proposals: predicates added to the one permissions module
(``conference.permissions``) when the app is ready. Views, forms, admin actions and services ask
``can(user, "proposal.view", proposal)``; nothing checks groups itself.

- ``proposal.view`` (a proposal): organizers; the liaisons of its department; reviewers
  assigned to it (never one from its own province);
- ``proposal.create`` (a department): its liaisons;
- ``proposal.edit`` (a proposal): its department's liaisons while it is a draft, submitted and
  not yet in review, or sent back for revision;
- ``proposal.submit`` (a proposal): its department's liaisons, for a draft or a revision;
- ``proposal.withdraw`` (a proposal): its department's liaisons and organizers, until decided;
- ``proposal.review`` (a proposal): a reviewer assigned to it, not from its province, until the
  decisions are published; with no object: anyone with the reviewer role (the dashboard);
- ``proposal.manage`` and ``proposal.decide``: organizers (assign, decide, publish, forward,
  record answers, carry over, export).
"""

from __future__ import annotations

import rules

from conference.predicates import REVIEWER, department_of, is_organizer, roles


def reviewer_unit_ids(user) -> frozenset[int]:
    """The provincial units a user belongs to through a department (liaison or not), and the
    unit that succeeded it: a reviewer never reviews a proposal from these. Cached on the user
    for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_proposal_unit_ids", None)
    if cached is not None:
        return cached
    from provinces.models import DepartmentMember

    rows = DepartmentMember.objects.filter(user=user).values_list(
        "department__unit_id", "department__unit__successor_id"
    )
    user._proposal_unit_ids = frozenset(
        unit_id for row in rows for unit_id in row if unit_id is not None
    )
    return user._proposal_unit_ids


def is_own_province(user, proposal) -> bool:
    return proposal.unit_id in reviewer_unit_ids(user)


def _is_liaison(user, proposal) -> bool:
    department = department_of(user)
    return (
        department is not None and proposal is not None and proposal.department_id == department.pk
    )


def is_assigned(user, proposal) -> bool:
    if proposal is None or REVIEWER not in roles(user):
        return False
    cache = getattr(user, "_proposal_assigned", None)
    if cache is None:
        cache = user._proposal_assigned = {}
    if proposal.pk not in cache:
        cache[proposal.pk] = proposal.assignments.filter(reviewer=user).exists()
    return cache[proposal.pk]


@rules.predicate
def can_view(user, proposal) -> bool:
    if proposal is None:
        return False
    if is_organizer(user) or _is_liaison(user, proposal):
        return True
    return is_assigned(user, proposal) and not is_own_province(user, proposal)


@rules.predicate
def can_create(user, department) -> bool:
    own = department_of(user)
    return own is not None and department is not None and own.pk == department.pk


@rules.predicate
def can_edit(user, proposal) -> bool:
    return _is_liaison(user, proposal) and proposal.state in proposal.EDITABLE


@rules.predicate
def can_submit(user, obj) -> bool:
    from proposals.models import Proposal

    if isinstance(obj, Proposal):
        return _is_liaison(user, obj) and obj.state in (
            Proposal.State.DRAFT,
            Proposal.State.NEEDS_REVISION,
        )
    # A provincial unit (the core's form of the rule): its liaison, or an organizer.
    department = department_of(user)
    return is_organizer(user) or (
        department is not None and getattr(obj, "pk", None) == department.unit_id
    )


@rules.predicate
def can_withdraw(user, proposal) -> bool:
    if proposal is None or proposal.state not in proposal.WITHDRAWABLE:
        return False
    return is_organizer(user) or _is_liaison(user, proposal)


@rules.predicate
def can_review(user, proposal) -> bool:
    if proposal is None:
        return REVIEWER in roles(user)
    return (
        proposal.state in proposal.REVIEWABLE
        and is_assigned(user, proposal)
        and not is_own_province(user, proposal)
    )


PROPOSAL_RULES = {
    "proposal.view": can_view,
    "proposal.create": can_create,
    "proposal.edit": can_edit,
    "proposal.submit": can_submit,
    "proposal.withdraw": can_withdraw,
    "proposal.review": can_review,
    "proposal.manage": is_organizer,
    "proposal.decide": is_organizer,
}


def register() -> None:
    """Add the proposal rules to the one rule set (replacing the core's placeholders of the
    same names, which know nothing of a proposal's department, assignments or state)."""
    from conference.permissions import RULES

    for name, predicate in PROPOSAL_RULES.items():
        RULES.set_rule(name, predicate)
