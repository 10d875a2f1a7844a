"""Proposal pages. Thin: permission → form → service → redirect with a message.

- liaisons: their department's proposals (list, draft, files, submit, withdraw);
- reviewers: their dashboard and the review form;
- organizers: the list with filters, assignment, decisions, publishing, answers, carry-over and
  the exports;
- everyone: the public page of an edition's accepted proposals and their answers.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Window
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conference import public_cache
from conference.forms.registrations import validation_error_to_form
from conference.models import AuditEntry, Edition
from conference.pagination import CountingPaginator
from conference.permissions import can, department_of, require
from conference.public_cache import public_page
from conference.views.shared import edition_or_404, render_edition
from proposals import services
from proposals.filters import ProposalFilter, PublicProposalFilter
from proposals.forms import (
    AssignForm,
    AttachmentForm,
    BulkAssignForm,
    CarryOverForm,
    DecisionForm,
    ProposalForm,
    ResponseForm,
    ReviewForm,
    WithdrawForm,
)
from proposals.models import Attachment, PolicyArea, Proposal, Review, ReviewerAssignment
from proposals.querysets import attach_list_details
from provinces.models import ProvincialUnit

State = Proposal.State


def _proposal(pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.with_related(), pk=pk)


def _edition_from(request) -> Edition:
    number = request.GET.get("edition", "") or request.POST.get("edition", "")
    edition = (number.isdigit() and Edition.objects.filter(number=number).first()) or (
        Edition.objects.next_or_current(with_host=False)
    )
    if edition is None:
        raise Http404(_("No edition has been recorded yet."))
    return edition


_LISTS = {
    "editions": lambda: list(Edition.objects.order_by("-number")),
    "areas": lambda: list(PolicyArea.objects.only("id", "code", "order", "name", "name_en")),
    "units": lambda: {
        pk: (key, name)
        for pk, key, name in ProvincialUnit.objects.values_list("pk", "sort_key", "name")
    },
}


def _lists(*names: str) -> list:
    """What the lists' selects offer, by name: "editions" (every edition, newest first),
    "areas" (every policy area, in order), "units" (every provincial unit, id: (sort key,
    name)). Kept with the public pages (``public_cache``: editions, areas and units all make
    those pages fresh again once a change is committed) and read in one round trip to the
    cache, so a list reads none of them from the database."""
    return public_cache.remember_many({f"proposals:{name}": _LISTS[name] for name in names})


def _in_order(unit_ids, units: dict[int, tuple[str, str]]) -> list[tuple[int, str]]:
    """The (id, name) of the units ``unit_ids`` in the units' order (``units`` from
    ``_lists("units")``)."""
    return [
        (pk, units[pk][1])
        for pk in sorted((pk for pk in unit_ids if pk in units), key=lambda pk: (units[pk][0], pk))
    ]


def _names(areas, units) -> dict[str, dict[int, str]]:
    """The names of the areas (in the page's language) and units for the rows of a list read
    without them (``ProposalQuerySet.listed(related=False)``): see ``proposal_tags``."""
    return {
        "areas": {area.pk: str(area) for area in areas},
        "units": {pk: name for pk, (_key, name) in units.items()},
    }


def _edition_and_all(request, editions=None) -> tuple[Edition, list[Edition]]:
    """``_edition_from`` for the lists whose page offers every edition in a select: the edition
    and every edition (newest first), from ``_lists`` (or ``editions`` if given)."""
    if editions is None:
        (editions,) = _lists("editions")
    number = request.GET.get("edition", "")
    edition = None
    if number.isdigit():
        edition = next((e for e in editions if e.number == int(number)), None)
    edition = edition or next_or_current(editions)
    if edition is None:
        raise Http404(_("No edition has been recorded yet."))
    return edition, editions


def next_or_current(editions: list[Edition]) -> Edition | None:
    """``EditionQuerySet.next_or_current`` chosen from a list of every edition: the next one to
    be held (by date, then number; an edition without a date last, as PostgreSQL orders), else
    the first undated one of this year or later, else the latest."""
    today = timezone.localdate()
    upcoming = [
        e
        for e in editions
        if (e.date is not None and e.date >= today)
        or (e.end_date is not None and e.end_date >= today)
    ]
    if upcoming:
        return min(upcoming, key=lambda e: (e.date is None, e.date or today, e.number))
    undated = [e for e in editions if e.date is None and e.year >= today.year]
    if undated:
        return min(undated, key=lambda e: e.number)
    return max(editions, key=lambda e: e.number, default=None)


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


PAGE_SIZE = 50


def _page(request, queryset, *, count: int | None = None, paginator_class=Paginator):
    """The page of ``queryset`` asked for (50 rows), and the query string without "page" for the
    links to the others. ``count``, when the view already knows it, spares the paginator's
    COUNT; ``paginator_class=CountingPaginator`` reads it with the page's rows instead."""
    paginator = paginator_class(queryset, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    query = request.GET.copy()
    query.pop("page", None)
    return paginator.get_page(request.GET.get("page")), query.urlencode()


# ---------------------------------------------------------------------------------------------
# Liaisons
# ---------------------------------------------------------------------------------------------


@login_required
def mine(request):
    """The liaison's department's proposals for an edition (drafts included)."""
    department = department_of(request.user)
    if department is None:
        raise PermissionDenied(_("Only a department's liaison has proposals to manage."))
    edition, editions = _edition_and_all(request)
    page, query = _page(
        request,
        Proposal.objects.for_department(department)
        .for_edition(edition)
        .listed()
        .order_by("-created_at", "-id"),
    )
    return render_edition(
        request,
        "proposals/proposal_list_mine.html",
        {
            "edition": edition,
            "department": department,
            "page": page,
            "query": query,
            "window_message": services.proposal_window_message(edition),
            "can_create": services.submission_open(edition),
            "editions": editions,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    department = department_of(request.user)
    require(request.user, "proposal.create", department)
    edition = _edition_from(request)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                edition=edition,
                department=department,
                data=form.cleaned_data,
                actor=request.user,
            )
        except ValidationError as error:
            validation_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("The draft is saved. Add files if needed, then submit it to the organizers."),
            )
            return redirect(proposal)
    return render_edition(
        request,
        "proposals/proposal_form.html",
        {
            "edition": edition,
            "form": form,
            "department": department,
            "window_message": services.proposal_window_message(edition),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.edit", proposal)
    form = ProposalForm(request.POST or None, instance=Proposal.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(proposal=proposal, data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            validation_error_to_form(form, error)
        else:
            messages.success(request, _("The proposal is saved."))
            return redirect(proposal)
    return render_edition(
        request,
        "proposals/proposal_form.html",
        {
            "edition": proposal.edition,
            "form": form,
            "proposal": proposal,
            "department": proposal.department,
        },
    )


def _history(proposals: list[Proposal]) -> list[AuditEntry]:
    from django.contrib.contenttypes.models import ContentType

    entries = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal),
            object_id__in=[str(p.pk) for p in proposals],
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for entry in entries:
        entry.action_label = services.AUDIT_ACTIONS.get(entry.action, entry.action)
    return entries


@login_required
def detail(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.view", proposal)
    user = request.user
    organizer = can(user, "proposal.manage", proposal)
    liaison = can(user, "proposal.edit", proposal) or can(user, "proposal.submit", proposal)
    own_department = (department_of(user) or None) and (
        department_of(user).pk == proposal.department_id
    )
    chain = services.proposal_history(proposal)
    reviews = []
    if organizer:
        reviews = list(
            Review.objects.filter(proposal=proposal)
            .select_related("reviewer", "related_proposal")
            .order_by("id")
        )
    decisions = list(proposal.decisions.select_related("related_proposal").order_by("id"))
    published = [d for d in decisions if d.published_at]
    pending = next((d for d in decisions if d.published_at is None), None)
    context = {
        "edition": proposal.edition,
        "proposal": proposal,
        "chain": chain[1:],
        "attachments": list(proposal.attachments.filter(is_response=False)),
        "responses": list(proposal.responses.select_related("attachment")),
        "related_documents": list(proposal.related_documents.all()),
        "published_decisions": published,
        "is_organizer": organizer,
        "is_liaison": own_department,
        "can_edit": can(user, "proposal.edit", proposal),
        "can_submit": can(user, "proposal.submit", proposal),
        "can_withdraw": can(user, "proposal.withdraw", proposal),
        "can_review": can(user, "proposal.review", proposal),
        "attachment_form": AttachmentForm() if liaison and proposal.is_editable else None,
        "window_message": services.proposal_window_message(proposal.edition)
        if proposal.state == State.DRAFT
        else "",
    }
    if organizer:
        context.update(
            reviews=reviews,
            summary=services.review_summary(reviews),
            assignments=list(proposal.assignments.select_related("reviewer").order_by("id")),
            assign_form=AssignForm() if proposal.state in Proposal.REVIEWABLE else None,
            pending_decision=pending,
            decision_form=DecisionForm(
                proposal=proposal,
                initial={
                    "outcome": pending.outcome if pending else None,
                    "reason": pending.reason if pending else "",
                    "related_proposal": pending.related_proposal_id if pending else None,
                },
            )
            if proposal.state in Proposal.DECIDABLE
            else None,
            response_form=ResponseForm()
            if proposal.state in (State.ACCEPTED, State.FORWARDED, State.PARTLY_ANSWERED)
            else None,
            history=_history(chain),
        )
    elif own_department:
        context["history"] = [
            entry
            for entry in _history(chain)
            if entry.to_state or entry.action in ("proposal.create", "proposal.response")
        ]
    return render_edition(request, "proposals/proposal_detail.html", context)


@login_required
@require_POST
def attachment_upload(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.edit", proposal)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect(proposal)
    try:
        attachment = services.attachment_add(
            proposal=proposal, upload=form.cleaned_data["file"], actor=request.user
        )
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("“%(name)s” is attached.") % {"name": attachment.original_name})
    return redirect(proposal)


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("proposal"), pk=pk)
    require(request.user, "proposal.edit", attachment.proposal)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The file is removed."))
    return redirect(attachment.proposal)


def attachment_download(request, pk: int):
    """A file, to whoever may see its proposal (an answer's file also to everyone when the
    proposal is on the public page); always as a download, never shown inline."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("proposal__unit", "proposal__department"), pk=pk
    )
    proposal = attachment.proposal
    public_answer = attachment.is_response and proposal.is_public
    if not public_answer:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        require(request.user, "proposal.view", proposal)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def submit(request, pk: int):
    return _one_step(
        request,
        pk,
        rule="proposal.submit",
        step=services.proposal_submit,
        done=_("The proposal is submitted to the organizers."),
    )


def _one_step(request, pk: int, *, rule: str, step, done: str):
    """A step without a form (submit, forward): the rule, the service, its message, back to
    the proposal."""
    proposal = _proposal(pk)
    require(request.user, rule, proposal)
    try:
        step(proposal=proposal, actor=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, done)
    return redirect(proposal)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.withdraw", proposal)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_withdraw(
                proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            validation_error_to_form(form, error)
        else:
            messages.success(request, _("The proposal is withdrawn."))
            return redirect(proposal)
    return render_edition(
        request,
        "proposals/proposal_withdraw.html",
        {"edition": proposal.edition, "proposal": proposal, "form": form},
    )


# ---------------------------------------------------------------------------------------------
# Reviewers
# ---------------------------------------------------------------------------------------------


@login_required
def reviewer_dashboard(request):
    require(request.user, "proposal.review")
    editions, areas, units = _lists("editions", "areas", "units")
    edition, editions = _edition_and_all(request, editions)
    assigned = Proposal.objects.for_edition(edition).for_reviewer(request.user, related=False)
    # One list, 50 a page: those still to review first, then those reviewed; the counts come
    # with the page's rows (window counts over every assigned proposal: no query of their own).
    rows = assigned.annotate(done=Window(Count("id", filter=Q(my_review_done=True)))).ordered(
        "my_review_done"
    )
    page, query = _page(request, rows, paginator_class=CountingPaginator)
    first = page.object_list[0] if page.object_list else None  # none: nothing assigned
    counts = {"total": page.paginator.count, "done": first.done if first else 0}
    return render_edition(
        request,
        "proposals/reviewer_dashboard.html",
        {
            "edition": edition,
            "page": page,
            "query": query,
            "total": counts["total"],
            "done": counts["done"],
            "missing": counts["total"] - counts["done"],
            "editions": editions,
            "names": _names(areas, units),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.view", proposal)
    existing = Review.objects.filter(proposal=proposal, reviewer=request.user).first()
    allowed = can(request.user, "proposal.review", proposal)
    if request.method == "POST" and not allowed:
        raise PermissionDenied(_("You are not allowed to do this."))
    if not allowed and existing is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    initial = {}
    if existing:
        initial = {
            "score": existing.score,
            "recommendation": existing.recommendation,
            "comments": existing.comments,
            "related_proposal": existing.related_proposal_id,
        }
    form = ReviewForm(request.POST or None, proposal=proposal, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                proposal=proposal,
                reviewer=request.user,
                score=form.cleaned_data["score"],
                recommendation=form.cleaned_data["recommendation"],
                comments=form.cleaned_data["comments"],
                related_proposal=form.cleaned_data["related_proposal"],
            )
        except ValidationError as error:
            validation_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("Your review is saved; you may change it until the decisions are published."),
            )
            return redirect("proposals:reviewer_dashboard")
    return render_edition(
        request,
        "proposals/review_form.html",
        {
            "edition": proposal.edition,
            "proposal": proposal,
            "form": form,
            "read_only": not allowed,
            "attachments": list(proposal.attachments.filter(is_response=False)),
        },
    )


# ---------------------------------------------------------------------------------------------
# Organizers
# ---------------------------------------------------------------------------------------------


@login_required
def manage(request):
    require(request.user, "proposal.manage")
    editions, areas, all_units = _lists("editions", "areas", "units")
    edition, editions = _edition_and_all(request, editions)
    counts, unit_ids = Proposal.objects.for_edition(edition).state_counts_and_units()
    filters = ProposalFilter(
        request.GET or None,
        queryset=Proposal.objects.submitted()
        .listed(related=False)
        .with_review_summary()
        .with_pending_outcome(),
        edition=edition,
        editions=editions,
        areas=areas,
        units=_in_order(unit_ids, all_units),
    )
    # The first page is read in the index's order (``proposal_list_order``): no sort of every
    # proposal of the edition, so the page's rows are read whole in one query.
    page, query = _page(
        request,
        filters.qs.ordered(),
        count=None if filters.narrows() else counts["submitted"],
    )
    page.object_list = attach_list_details(list(page.object_list))
    form = filters.form
    return render_edition(
        request,
        "proposals/proposal_list_manage.html",
        {
            "edition": edition,
            "filters": form,
            "page": page,
            "query": query,
            # The assignment form's choices: the filters' own lists (read once).
            "names": _names(areas, all_units),
            "reviewer_choices": form.fields["reviewer"].choices[1:],
            "area_choices": form.fields["area"].choices[1:],
            "carry_targets": [e for e in filters.editions if e.number > edition.number],
            "to_publish": counts["decided"],
            "can_carry_over": bool(counts["open"]),
        },
    )


@login_required
@require_POST
def assign_bulk(request):
    require(request.user, "proposal.manage")
    edition = _edition_from(request)
    form = BulkAssignForm(request.POST, edition=edition)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{_manage_url()}?edition={edition.number}")
    data = form.cleaned_data
    if data.get("proposals"):
        result = services.reviewers_assign(
            proposals=data["proposals"],
            reviewers=data["reviewers"],
            actor=request.user,
            strict=False,
        )
    else:
        result = services.reviewers_assign_by_area(
            edition=edition, area=data["area"], reviewers=data["reviewers"], actor=request.user
        )
    messages.success(request, _("Assignments made: %(count)s.") % {"count": len(result.created)})
    for refusal in result.refused:
        messages.warning(request, refusal)
    return redirect(f"{_manage_url()}?edition={edition.number}")


def _manage_url() -> str:
    from django.urls import reverse

    return reverse("proposals:manage")


@login_required
@require_POST
def assign(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.manage", proposal)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            result = services.reviewers_assign(
                proposals=[proposal], reviewers=form.cleaned_data["reviewers"], actor=request.user
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request, _("Assignments made: %(count)s.") % {"count": len(result.created)}
            )
    else:
        for error in form.errors.get("reviewers", []):
            messages.error(request, error)
    return redirect(proposal)


@login_required
@require_POST
def unassign(request, pk: int):
    assignment = get_object_or_404(
        ReviewerAssignment.objects.select_related("proposal", "reviewer"), pk=pk
    )
    require(request.user, "proposal.manage", assignment.proposal)
    try:
        services.reviewer_unassign(assignment=assignment, actor=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The reviewer is no longer assigned."))
    return redirect(assignment.proposal)


@login_required
@require_POST
def decide(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.decide", proposal)
    form = DecisionForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            services.proposal_decide(
                proposal=proposal,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                related_proposal=form.cleaned_data["related_proposal"],
                actor=request.user,
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request,
                _(
                    "The decision is recorded. It reaches the department when you publish "
                    "the decisions."
                ),
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(proposal)


@login_required
@require_POST
def publish(request):
    require(request.user, "proposal.decide")
    edition = _edition_from(request)
    published = services.decisions_publish(edition=edition, actor=request.user)
    messages.success(
        request,
        _("Decisions published: %(count)s. The departments are told by email.")
        % {"count": len(published)},
    )
    return redirect(f"{_manage_url()}?edition={edition.number}")


@login_required
@require_POST
def forward(request, pk: int):
    return _one_step(
        request,
        pk,
        rule="proposal.manage",
        step=services.proposal_forward,
        done=_("The proposal is marked as forwarded to its addressee."),
    )


@login_required
@require_POST
def response(request, pk: int):
    proposal = _proposal(pk)
    require(request.user, "proposal.manage", proposal)
    form = ResponseForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.response_record(
                proposal=proposal,
                status=data["status"],
                date=data["date"],
                number=data["number"],
                issued_by=data["issued_by"],
                text=data["text"],
                upload=data.get("file"),
                actor=request.user,
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The answer is recorded; the department is told."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(proposal)


@login_required
@require_POST
def carry_over(request):
    require(request.user, "proposal.manage")
    edition = _edition_from(request)
    form = CarryOverForm(request.POST, edition=edition)
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            carried = services.proposals_carry_over(
                source=edition, target=target, actor=request.user
            )
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request,
                _("Proposals carried over to %(edition)s: %(count)s.")
                % {"edition": target, "count": len(carried)},
            )
            return redirect(f"{_manage_url()}?edition={target.number}")
    else:
        messages.error(request, _("Choose a later edition."))
    return redirect(f"{_manage_url()}?edition={edition.number}")


# ---------------------------------------------------------------------------------------------
# Everyone: the public page and the compiled proposals
# ---------------------------------------------------------------------------------------------


@public_page
def public_list(request, number: int):
    """An edition's accepted proposals and their answers, 50 a page; cached for anonymous
    visitors like the other public pages (every change to a proposal, an answer or a related
    document moves the cache's version: proposals/apps.py)."""
    edition = edition_or_404(number)
    filters = PublicProposalFilter(
        request.GET or None,
        queryset=Proposal.objects.public().with_public_details(),
        edition=edition,
    )
    page, query = _page(request, filters.qs.ordered())
    return render_edition(
        request,
        "proposals/proposal_list_public.html",
        {
            "edition": edition,
            "filters": filters.form,
            "proposals": page.object_list,
            "page": page,
            "query": query,
        },
    )


def _compiled(request) -> tuple[Edition, list[Proposal]]:
    require(request.user, "proposal.manage")
    edition = _edition_from(request)
    return edition, list(
        Proposal.objects.for_edition(edition).public().with_public_details().ordered()
    )


@login_required
def export_xlsx(request):
    from proposals.exports import compiled_xlsx

    edition, proposals = _compiled(request)
    return compiled_xlsx(edition, proposals)


@login_required
def export_pdf(request):
    from proposals.exports import compiled_pdf

    edition, proposals = _compiled(request)
    return compiled_pdf(request, edition, proposals)
