"""Reads of proposals: every list page calls one of these, so its query count does not grow with
its rows."""

from __future__ import annotations

from django.db import models
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from conference.vietnamese import fold


class ProposalQuerySet(models.QuerySet):
    def for_edition(self, edition):
        return self.filter(edition=edition)

    def for_department(self, department):
        return self.filter(department=department)

    def submitted(self):
        """Every proposal that left its department (not drafts)."""
        return self.exclude(state=self.model.State.DRAFT)

    def public(self):
        return self.filter(state__in=self.model.PUBLIC)

    def open(self):
        return self.filter(state__in=self.model.OPEN)

    def search(self, text: str):
        """Accent-free search in the title, summary, legal references, presenter and unit."""
        words = fold(text).split()
        queryset = self
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def listed(self, *, related: bool = True):
        """What a list row shows (title, state, unit, area and the dates), without the long texts
        or the edition's and department's rows: PostgreSQL sorts every row of the edition
        before taking a page, and the wide rows made that sort most of the query.
        ``related=False``: without the unit's and area's rows (the page has their names from
        the cache: see ``views._lists``)."""
        fields = [
            "id",
            "edition_id",
            "department_id",
            "unit_id",
            "area_id",
            "kind",
            "title",
            "state",
            "carried_over_from_id",
            "created_at",
            "submitted_at",
            "sort_key",
        ]
        if not related:
            return self.only(*fields)
        return self.select_related("unit", "area").only(
            *fields,
            "unit__name",
            "unit__sort_key",
            "area__name",
            "area__name_en",
            "area__order",
        )

    def state_counts(self) -> dict[str, int]:
        """In one query: ``submitted`` (every proposal that left its department), ``decided``
        (decisions recorded, not yet published) and ``open`` (accepted, not fully answered)."""
        return self.order_by().aggregate(**self._state_count_expressions())

    def state_counts_and_units(self) -> tuple[dict[str, int], set[int]]:
        """``state_counts()`` and the ids of the provinces that have a proposal here (drafts
        too): the organizers' list and its filter.

        The proposals are counted per province and state (an index-only scan of
        ``proposal_edition_unit_state``, a few dozen groups) and summed here: one query that
        joined the provinces and counted with three filters took 10-15 ms at 5,000
        proposals, this one 1."""
        State = self.model.State
        counts = {"submitted": 0, "decided": 0, "open": 0}
        unit_ids = set()
        for unit_id, state, number in (
            self.order_by().values_list("unit_id", "state").annotate(number=Count("*"))
        ):
            unit_ids.add(unit_id)
            if state != State.DRAFT:
                counts["submitted"] += number
            if state == State.DECIDED:
                counts["decided"] += number
            if state in self.model.OPEN:
                counts["open"] += number
        return counts, unit_ids

    def _state_count_expressions(self) -> dict:
        State = self.model.State
        return {
            "submitted": Count("id", filter=~Q(state=State.DRAFT)),
            "decided": Count("id", filter=Q(state=State.DECIDED)),
            "open": Count("id", filter=Q(state__in=self.model.OPEN)),
        }

    def with_related(self):
        return self.select_related("edition", "department__unit", "unit", "area")

    def with_review_summary(self):
        """Number of reviews and mean score, as annotations (``review_count``, ``score_mean``).

        Correlated subqueries, not a join with GROUP BY: PostgreSQL computes them only for the
        page's rows after the sort and LIMIT, and the paginator's COUNT leaves them out (a
        grouped join aggregated every review of the edition for both)."""
        from proposals.models import Review

        reviews = Review.objects.filter(proposal=OuterRef("pk")).order_by().values("proposal")
        return self.annotate(
            review_count=Coalesce(Subquery(reviews.annotate(n=Count("id")).values("n")), 0),
            score_mean=Subquery(
                reviews.annotate(mean=Avg("score")).values("mean"),
                output_field=models.FloatField(),
            ),
        )

    def with_pending_outcome(self):
        """``pending_outcome``: the outcome of the decision recorded and not yet published (at
        most one: ``decision_one_unpublished_per_proposal``), else None."""
        from proposals.models import Decision

        return self.annotate(
            pending_outcome=Subquery(
                Decision.objects.filter(proposal=OuterRef("pk"), published_at__isnull=True)
                .order_by()
                .values("outcome")[:1]
            )
        )

    def with_public_details(self):
        """What the public page shows: answers and related documents (no reviews)."""
        from proposals.models import MinistryResponse, RelatedDocument

        return (
            self.select_related("department__unit", "unit", "area")
            .defer("full_text", "search_text", "department__search_text", "unit__search_text")
            .prefetch_related(
                Prefetch("responses", queryset=MinistryResponse.objects.order_by("date", "id")),
                Prefetch(
                    "related_documents", queryset=RelatedDocument.objects.order_by("date", "id")
                ),
            )
        )

    def for_reviewer(self, user, *, related: bool = True):
        """Assigned to ``user``, with ``my_review_done`` and ``my_score`` annotated (``related``:
        see ``listed``)."""
        from proposals.models import Review

        mine = Review.objects.filter(proposal=OuterRef("pk"), reviewer=user)
        return (
            self.filter(assignments__reviewer=user)
            .annotate(
                my_review_done=Exists(mine),
                my_score=models.Subquery(mine.values("score")[:1]),
            )
            .listed(related=related)
        )

    def with_score_between(self, low=None, high=None):
        queryset = self.annotate(score_avg=Avg("reviews__score"))
        if low is not None:
            queryset = queryset.filter(score_avg__gte=low)
        if high is not None:
            queryset = queryset.filter(score_avg__lte=high)
        return queryset

    def reviewed_by(self, user):
        return self.filter(assignments__reviewer=user)

    def ordered(self, *first: str):
        """By policy area, province and title (after ``first``, e.g. "my_review_done"): the
        area's order and the unit's sort key as copied on the proposal, so that the index
        ``proposal_list_order`` gives an edition's first page without sorting every row (the
        same order as ``area__order, unit__sort_key``)."""
        return self.order_by(*first, "area_order", "unit_sort_key", "sort_key", "id")

    def refresh_list_order(self) -> int:
        """Copies each proposal's area order and unit sort key again (after an area's order or
        a unit's name changed, or rows were written by ``bulk_create``); returns how many
        proposals changed."""
        from proposals.models import PolicyArea
        from provinces.models import ProvincialUnit

        area_order = Subquery(PolicyArea.objects.filter(pk=OuterRef("area_id")).values("order"))
        unit_sort_key = Subquery(
            ProvincialUnit.objects.filter(pk=OuterRef("unit_id")).values("sort_key")
        )
        return self.filter(~Q(area_order=area_order) | ~Q(unit_sort_key=unit_sort_key)).update(
            area_order=area_order, unit_sort_key=unit_sort_key
        )

    def missing_review(self, user):
        return self.filter(~Q(reviews__reviewer=user))


def attach_list_details(proposals: list) -> list:
    """The organizers' rows: sets ``reviewer_names`` (the assigned reviewers, in the order they
    were assigned) on each proposal of a page, from one query of plain values (a prefetch made a
    model instance of every assignment and reviewer). The decision waiting to be published is
    the page query's ``pending_outcome`` (``ProposalQuerySet.with_pending_outcome``)."""
    from proposals.models import ReviewerAssignment

    by_pk = {p.pk: p for p in proposals}
    for proposal in proposals:
        proposal.reviewer_names = []
    assigned = (
        ReviewerAssignment.objects.filter(proposal_id__in=by_pk)
        .order_by("id")
        .values_list("proposal_id", "reviewer__full_name", "reviewer__username")
    )
    for proposal_id, full_name, username in assigned:
        by_pk[proposal_id].reviewer_names.append(full_name or username)
    return proposals


class ReviewerAssignmentQuerySet(models.QuerySet):
    def for_reviewer(self, user):
        return self.filter(reviewer=user)
