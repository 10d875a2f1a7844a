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
        """Everything a unit's page shows, in a fixed number of queries."""
        # Through the app registry: provinces does not import conference (import-linter).
        Edition = apps.get_model("conference", "Edition")
        EditionParticipant = apps.get_model("conference", "EditionParticipant")

        return self.select_related("department", "successor").prefetch_related(
            models.Prefetch(
                "hosted_editions", queryset=Edition.objects.with_host().order_by("number")
            ),
            models.Prefetch(
                "editions_held_in", queryset=Edition.objects.with_host().order_by("number")
            ),
            models.Prefetch(
                "participations",
                queryset=EditionParticipant.objects.select_related(
                    "edition__host__successor"
                ).order_by("edition__number"),
            ),
            models.Prefetch(
                "predecessors", queryset=self.model.objects.select_related("department").ordered()
            ),
        )

    def former(self) -> ProvincialUnitQuerySet:
        """Units that no longer exist today (merged, or reorganised under the same name)."""
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
