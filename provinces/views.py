"""The public pages of the provincial units: the list (today's, or an edition's) and each unit."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from conference.public_cache import public_page
from provinces.display import reorganisation_note, unit_fate, unit_origin
from provinces.forms import UnitFilterForm
from provinces.models import ProvincialUnit, Reorganisation


@public_page
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
            # Today's list: say from which date "today's units" are today's.
            "reorganisation_note": ""
            if edition
            else reorganisation_note(Reorganisation.objects.order_by("governments_from").last()),
            "shows_demo": bool(edition and edition.is_demo),
        },
    )


@public_page
def unit_detail(request, pk: int):
    unit = get_object_or_404(ProvincialUnit.objects.for_page(), pk=pk)
    predecessors = list(unit.predecessors.all())
    # What the unit and the units it was formed from hosted and took part in, as named then.
    lineage = [unit, *predecessors]
    hosted = sorted(
        {e.pk: e for u in lineage for e in u.hosted_editions.all()}.values(),
        key=lambda e: e.number,
    )
    took_part: dict[int, dict] = {}
    for member in lineage:
        for participation in member.participations.all():
            entry = took_part.setdefault(
                participation.edition.number, {"edition": participation.edition, "as": []}
            )
            if member.pk != unit.pk:
                entry["as"].append(member.name)
    participations = [took_part[number] for number in sorted(took_part)]
    flags = sorted(
        (
            handover
            for member in lineage
            if hasattr(member, "department")
            for handover in member.department.flags_received.all()
        ),
        key=lambda h: h.date,
    )
    reorganisation = unit.ended_by or next((p.ended_by for p in predecessors if p.ended_by), None)
    return render(
        request,
        "provinces/provincialunit_detail.html",
        {
            "unit": unit,
            "fate": unit_fate(unit),
            "origin": unit_origin(unit, predecessors),
            "reorganisation_note": reorganisation_note(reorganisation),
            "hosted": hosted,
            "held_in": [e for e in unit.editions_held_in.all() if e not in hosted],
            "participations": participations,
            "flags": flags,
            "predecessors": predecessors,
            "shows_demo": any(e.is_demo for e in hosted)
            or any(p["edition"].is_demo for p in participations),
        },
    )
