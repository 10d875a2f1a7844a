"""The public pages of the provincial units: the list (today's, or an edition's) and each unit."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from provinces.display import unit_fate
from provinces.forms import UnitFilterForm
from provinces.models import ProvincialUnit


def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    edition = None
    query = ""
    if form.is_bound:
        form.is_valid()  # an invalid edition shows its error; a valid search still applies
        edition = form.cleaned_data.get("edition")
        query = form.cleaned_data.get("q") or ""
    found = ProvincialUnit.objects.for_list().search(query)
    units = list(found.participating_in(edition) if edition else found.current())
    # "ha giang" finds nothing among today's units since Hà Giang merged into Tuyên Quang: show
    # the former units the search finds, each with what became of it.
    former = list(found.former()) if query and not edition and not units else []
    return render(
        request,
        "provinces/provincialunit_list.html",
        {
            "form": form,
            "edition": edition,
            "units": units,
            "former_units": former,
            "shows_demo": bool(edition and edition.is_demo),
        },
    )


def unit_detail(request, pk: int):
    unit = get_object_or_404(ProvincialUnit.objects.for_page(), pk=pk)
    participations = list(unit.participations.all())
    hosted = list(unit.hosted_editions.all())
    return render(
        request,
        "provinces/provincialunit_detail.html",
        {
            "unit": unit,
            "fate": unit_fate(unit),
            "hosted": hosted,
            "held_in": list(unit.editions_held_in.all()),
            "participations": participations,
            "predecessors": list(unit.predecessors.all()),
            "shows_demo": any(e.is_demo for e in hosted)
            or any(p.edition.is_demo for p in participations),
        },
    )
