"""The filters of the proposal lists (django-filter FilterSets, as conference/filters.py for the
registrations): the organizers' list and the public page of an edition.

A FilterSet is scoped to one edition (the view chooses it: the one asked for, else the next or
current one). Filters that do not validate are ignored, never an error page. The choices are read
once, as lists (the pages write their options with ``select_options``).
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.filters import FilterForm
from conference.models import Edition
from proposals.forms import reviewers
from proposals.models import PolicyArea, Proposal
from provinces.models import ProvincialUnit


class _EditionProposalFilter(django_filters.FilterSet):
    """``Filter(request.GET or None, queryset=…, edition=edition)``: ``.qs`` is the proposals of
    ``edition`` in ``queryset`` that match, ``.form`` the filters as the page shows them."""

    q = django_filters.CharFilter(
        label=pgettext_lazy("search box", "Search"), max_length=100, method="_search"
    )
    area = django_filters.ChoiceFilter(
        label=_("Policy area"), field_name="area_id", empty_label=_("All areas")
    )
    unit = django_filters.ChoiceFilter(
        label=_("Province or city"),
        field_name="unit_id",
        empty_label=_("All provinces and cities"),
    )

    field_order = ("q", "area", "unit")

    class Meta:
        model = Proposal
        fields: list[str] = []  # the filters declared, in the order the page shows them
        form = FilterForm

    def __init__(self, data=None, *args, edition: Edition, units=None, areas=None, **kwargs):
        """``units``: the unit filter's (id, name) pairs, ``areas`` the policy areas in order,
        when the view has read them already (else ``units()`` and every area)."""
        super().__init__(data, *args, **kwargs)
        self.edition = edition
        fields = self.form.fields
        if areas is None:
            areas = PolicyArea.objects.only("id", "name", "name_en")
        fields["area"].choices = [(str(a.pk), str(a)) for a in areas]
        if units is None:
            units = self.units().values_list("pk", "name")
        fields["unit"].choices = [(str(pk), name) for pk, name in units]
        self.form.order_fields(self.field_order)

    def units(self):
        """The provinces and cities offered in the unit filter."""
        raise NotImplementedError

    def filter_queryset(self, queryset):
        queryset = queryset.for_edition(self.edition)
        if not self.form.is_valid():
            return queryset  # as before: a filter that does not validate filters nothing
        return super().filter_queryset(queryset)

    @property
    def qs(self):
        """Scoped to the edition even when no filter was sent."""
        if not hasattr(self, "_qs"):
            self._qs = super().qs if self.is_bound else self.queryset.for_edition(self.edition)
        return self._qs

    def narrows(self) -> bool:
        """Whether a filter applies (else ``qs`` is every proposal of the edition)."""
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(value not in (None, "") for value in self.form.cleaned_data.values())

    def _search(self, queryset, name, value):
        return queryset.search(value) if value else queryset


class ProposalFilter(_EditionProposalFilter):
    """The organizers' list (every proposal that left its department). ``score`` needs the
    queryset's ``score_mean`` (``ProposalQuerySet.with_review_summary``)."""

    edition = django_filters.ChoiceFilter(
        label=_("Edition"), empty_label=None, method="_scoped_in_filter_queryset"
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[c for c in Proposal.State.choices if c[0] != Proposal.State.DRAFT],
        empty_label=_("All states"),
    )
    reviewer = django_filters.ChoiceFilter(
        label=_("Reviewer"),
        field_name="assignments__reviewer_id",
        empty_label=_("All reviewers"),
    )
    score = django_filters.TypedChoiceFilter(
        label=_("Mean score at least"),
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        method="_score_at_least",
    )

    field_order = ("edition", "q", "unit", "area", "state", "reviewer", "score")

    def __init__(
        self, data=None, *args, edition: Edition, editions=None, units=None, areas=None, **kwargs
    ):
        """``editions``: every edition, newest first, when the view has read them already."""
        if data is not None:
            # The edition shown is the view's choice (an unknown number falls back to it): the
            # select says which one it is, and the other filters still apply.
            data = data.copy()
            data["edition"] = str(edition.number)
        super().__init__(data, *args, edition=edition, units=units, areas=areas, **kwargs)
        fields = self.form.fields
        if editions is None:
            editions = Edition.objects.only("id", "number", "year").order_by("-number")
        self.editions = list(editions)
        fields["edition"].choices = [(str(e.number), str(e)) for e in self.editions]
        fields["edition"].initial = str(edition.number)
        fields["reviewer"].choices = [
            (str(pk), full_name or username)
            for pk, full_name, username in reviewers().values_list("pk", "full_name", "username")
        ]

    def units(self):
        return ProvincialUnit.objects.filter(
            Exists(Proposal.objects.filter(unit=OuterRef("pk"), edition=self.edition))
        ).order_by("sort_key")

    def narrows(self) -> bool:
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(
            value not in (None, "")
            for name, value in self.form.cleaned_data.items()
            if name != "edition"
        )

    def _scoped_in_filter_queryset(self, queryset, name, value):
        return queryset  # the edition scopes every row: see filter_queryset

    def _score_at_least(self, queryset, name, value):
        return queryset.filter(score_mean__gte=value) if value else queryset


class PublicProposalFilter(_EditionProposalFilter):
    """The public page of an edition: its accepted proposals and their answers."""

    def units(self):
        return ProvincialUnit.objects.filter(
            Exists(
                Proposal.objects.filter(
                    unit=OuterRef("pk"), edition=self.edition, state__in=Proposal.PUBLIC
                )
            )
        ).order_by("sort_key")
