from __future__ import annotations

import datetime

from django.apps import apps
from django.db import models
from django.utils import timezone

from conference.vietnamese import fold


class ProvincialUnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> ProvincialUnitQuerySet:
        """Units that existed on ``day`` (an open end: still valid, or since before records)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
        )

    def current(self) -> ProvincialUnitQuerySet:
        return self.valid_on(timezone.localdate())

    def ordered(self) -> ProvincialUnitQuerySet:
        return self.order_by("sort_key", "valid_from")

    def participating_in(self, edition) -> ProvincialUnitQuerySet:
        return self.filter(participations__edition=edition)

    def for_list(self) -> ProvincialUnitQuerySet:
        """What the units list shows of each unit, without a query per row."""
        return self.select_related("department", "successor").ordered()

    def for_page(self) -> ProvincialUnitQuerySet:
        """Everything a unit's page shows, also what its predecessors hosted and took part in, in
        a fixed number of queries."""
        # Through the app registry: provinces does not import conference (import-linter).
        Edition = apps.get_model("conference", "Edition")
        EditionParticipant = apps.get_model("conference", "EditionParticipant")
        Handover = apps.get_model("conference", "Handover")

        editions = Edition.objects.with_host().order_by("number")
        flags = Handover.objects.select_related(
            "from_edition", "to_edition", "receiving_department__unit"
        ).order_by("date")
        participations = EditionParticipant.objects.select_related(
            "edition__host__successor"
        ).order_by("edition__number")
        return self.select_related("department", "successor", "ended_by").prefetch_related(
            models.Prefetch("hosted_editions", queryset=editions),
            models.Prefetch("editions_held_in", queryset=editions),
            models.Prefetch("participations", queryset=participations),
            models.Prefetch("successor__predecessors", queryset=self.model.objects.ordered()),
            models.Prefetch(
                "predecessors",
                queryset=self.model.objects.select_related("department", "ended_by").ordered(),
            ),
            models.Prefetch("predecessors__hosted_editions", queryset=editions),
            models.Prefetch("predecessors__participations", queryset=participations),
            models.Prefetch("department__flags_received", queryset=flags),
            models.Prefetch("predecessors__department__flags_received", queryset=flags),
        )

    def former(self) -> ProvincialUnitQuerySet:
        """Units that no longer exist today (merged into another unit)."""
        return self.filter(valid_until__lt=timezone.localdate())

    def search(self, query: str) -> ProvincialUnitQuerySet:
        """Accent-free search on the unit's name, its code, or its department's name ("so cong
        thuong dien bien" finds Điện Biên)."""
        folded = fold(query)
        if not folded:
            return self
        return self.filter(
            models.Q(search_text__contains=folded)
            | models.Q(department__search_text__contains=folded)
            | models.Q(code=query.strip())
        )
