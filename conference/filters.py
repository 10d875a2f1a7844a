"""The organizers' list filters (django-filter FilterSets), one per list page; the exports use the
list's FilterSet so that they hold exactly the rows the list shows.

A FilterSet is scoped to one edition (the edition asked for, else a default the view chooses);
filters that do not validate are ignored, never an error page.
"""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from conference import seat_counts
from conference.forms.registrations import UnitChoiceField
from conference.models import Edition, Registration
from conference.text_input import CleanInputMixin
from conference.vietnamese import fold
from provinces.models import ProvincialUnit


class CopiedShallow:
    """A filter that a FilterSet copies for each instance (``copy.deepcopy(base_filters)``, so
    that each copy gets its own ``parent``) with a shallow copy: nothing else of a filter
    changes per request, and the deep copies of their querysets, choices and lazy labels were
    half of building the filters on every list page."""

    def __deepcopy__(self, memo):
        clone = copy.copy(self)
        clone.extra = self.extra.copy()
        if clone.method is not None:
            clone.method = clone.method  # its FilterMethod bound to the copy (and its parent)
        return clone


class EditionChoiceField(forms.ModelChoiceField):
    """The edition filter's field: the edition the page read already (``read_already``: its
    number as sent → the edition) is checked without a query; any other number as usual."""

    read_already: dict[str, Edition] | None = None

    def to_python(self, value):
        known = self.read_already
        if known and value not in self.empty_values and str(value) in known:
            return known[str(value)]
        return super().to_python(value)


class EditionFilter(CopiedShallow, django_filters.ModelChoiceFilter):
    field_class = EditionChoiceField


class UnitFilter(CopiedShallow, django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class ChoiceFilter(CopiedShallow, django_filters.ChoiceFilter):
    pass


class CharFilter(CopiedShallow, django_filters.CharFilter):
    pass


class FilterForm(CleanInputMixin, forms.Form):
    """The filters' form, cleaning input as every form of the site does (no NUL in a search)."""


class RegistrationFilter(django_filters.FilterSet):
    """``RegistrationFilter(request.GET or None, queryset=…, edition=default)``; ``.qs`` is the
    matching registrations of :meth:`selected_edition`, ``.form`` the filters as the page shows
    them."""

    edition = EditionFilter(
        label=_("Edition"),
        queryset=Edition.objects.order_by("-number"),
        empty_label=None,
        to_field_name="number",
        method="_edition_chosen_in_qs",
    )
    unit = UnitFilter(
        label=_("Province or city"),
        queryset=ProvincialUnit.objects.none(),
        empty_label=_("All"),
        method="_for_unit",
    )
    status = ChoiceFilter(
        label=_("Status"), choices=Registration.Status.choices, empty_label=_("All")
    )
    organisation_kind = ChoiceFilter(
        label=_("Kind of organisation"),
        choices=Registration.OrganisationKind.choices,
        empty_label=_("All"),
    )
    q = CharFilter(label=_("Search"), max_length=100, method="_search")

    class Meta:
        model = Registration
        fields: list[str] = []  # the filters above, in the order the page shows them
        form = FilterForm

    def get_form_class(self):
        """The filters' form class, made once per process (django-filter makes one for each
        instance, from new fields that the form's own ``__init__`` then copies again)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def __init__(self, data=None, *args, edition: Edition, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.edition_default = edition
        # The edition the page opens is known already: checking the sent number needs no query.
        self.form.fields["edition"].read_already = {str(edition.number): edition}
        self.form.fields["unit"].queryset = ProvincialUnit.objects.filter(
            participations__edition=self.selected_edition()
        ).order_by("sort_key")
        self._units_offered = False
        self._editions_offered = False

    def offer_units(self, units) -> RegistrationFilter:
        """The province choices (and their check) from the selected edition's participating
        ``units`` that the page has read already, in the page's order (by ``sort_key``, as the
        filter's own query would list them): no query of their own."""
        self.form.fields["unit"].set_known(units)  # forms.registrations.KnownChoicesMixin
        self._units_offered = True
        return self

    def offer_editions(self, editions) -> RegistrationFilter:
        """The edition choices from ``editions`` read already (newest first, number and year:
        ``views.shared.EditionFacts``): no query of their own."""
        field = self.form.fields["edition"]
        field.widget.choices = [
            (field.prepare_value(edition), field.label_from_instance(edition))
            for edition in editions
        ]
        self._editions_offered = True
        return self

    def choices_listed(self) -> RegistrationFilter:
        """Read the edition and unit choices once, as lists: a template looping over a model
        choice field counts its rows first and then opens a server-side cursor (two queries
        each on PostgreSQL). The page loops over ``field.field.widget.choices``. The editions
        are read with the fields their label needs only."""
        for name in ("edition", "unit"):
            if (name == "unit" and self._units_offered) or (
                name == "edition" and self._editions_offered
            ):
                continue
            field = self.form.fields[name]
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            objects = field.queryset
            if name == "edition":
                objects = objects.only("pk", "number", "year")
            field.widget.choices = empty + [
                (field.prepare_value(obj), field.label_from_instance(obj)) for obj in objects
            ]
        return self

    def count_from(self, counts: dict, *, within=None) -> int | None:
        """How many registrations ``qs`` holds (of those in the states ``within``, when given),
        from the edition's counts by province and state (``conference.seat_counts
        .edition_counts``) when the filters are only those; None when a search or the kind of
        organisation narrows it (then the rows must be counted)."""
        unit = status = None
        if self.is_bound and self.form.is_valid():
            data = self.form.cleaned_data
            if data.get("organisation_kind") or data.get("q"):
                return None
            unit, status = data.get("unit"), data.get("status")
        statuses = [status] if status else within
        if status and within is not None:
            statuses = [status] if status in within else []
        return seat_counts.total(counts, statuses, {unit.pk} if unit else None)

    def searches_narrowly(self) -> bool:
        """Whether a search narrows the rows to few enough that the page's own query should
        count them (``conference.pagination.CountingPaginator``): every word of three letters
        or more, as the trigram index finds them. A shorter word matches most rows: counting
        them apart lets the page stop at its 50th row."""
        if not self.is_bound or not self.form.is_valid():
            return False
        words = fold(self.form.cleaned_data.get("q") or "").split()
        return bool(words) and min(len(word) for word in words) >= 3

    def narrows(self) -> bool:
        """Whether a filter other than the edition applies (else ``qs`` is the whole edition)."""
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(
            self.form.cleaned_data.get(name)
            for name in ("unit", "status", "organisation_kind", "q")
        )

    def selected_edition(self) -> Edition:
        if not hasattr(self, "_selected"):
            number = self.data.get("edition")
            found = None
            if str(number) == str(self.edition_default.number):
                found = self.edition_default
            elif number and str(number).isdigit():
                found = Edition.objects.filter(number=number).first()
            self._selected = found or self.edition_default
        return self._selected

    def filter_queryset(self, queryset):
        queryset = queryset.for_edition(self.selected_edition())
        if not self.form.is_valid():
            return queryset
        return super().filter_queryset(queryset)

    @property
    def qs(self):
        """Scoped to the selected edition even when no filter was sent."""
        if not hasattr(self, "_qs"):
            self._qs = (
                super().qs if self.is_bound else self.queryset.for_edition(self.selected_edition())
            )
        return self._qs

    def _edition_chosen_in_qs(self, queryset, name, value):
        return queryset  # the edition scopes every row: see filter_queryset

    def _for_unit(self, queryset, name, value):
        return queryset.for_unit(value) if value else queryset

    def _search(self, queryset, name, value):
        return queryset.search(value) if value else queryset
