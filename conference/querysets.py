from __future__ import annotations

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone


class EditionQuerySet(models.QuerySet):
    def real(self) -> EditionQuerySet:
        return self.filter(is_demo=False)

    def with_host(self) -> EditionQuerySet:
        return self.select_related("host__successor", "held_in", "flag_received_at__host")

    def timeline(self) -> EditionQuerySet:
        return self.with_host().order_by("number")

    def with_chairs(self) -> EditionQuerySet:
        """The editions with their chairs (and the chairs' units), in one more query."""
        from conference.models import Chair

        return self.prefetch_related(
            Prefetch("chairs", queryset=Chair.objects.select_related("unit").order_by("order"))
        )

    def with_flag_handed_to(self) -> EditionQuerySet:
        """Each edition with the edition(s) whose host received the flag at its close."""
        return self.prefetch_related(
            Prefetch(
                "flag_handed_to",
                queryset=self.model.objects.with_host().order_by("number"),
            )
        )

    def next_or_current(self):
        """The edition people should see first: the next one to be held, else the latest."""
        today = timezone.localdate()
        upcoming = (
            self.with_host()
            .filter(models.Q(date__gte=today) | models.Q(end_date__gte=today))
            .order_by("date", "number")
            .first()
        )
        if upcoming is not None:
            return upcoming
        undated = self.with_host().filter(date__isnull=True, year__gte=today.year).first()
        return undated or self.with_host().order_by("-number").first()

    def with_programme(self) -> EditionQuerySet:
        """Everything an edition's page shows, in a fixed number of queries."""
        from conference.models import AgendaItem, Chair, EditionParticipant

        return self.with_host().prefetch_related(
            Prefetch("chairs", queryset=Chair.objects.select_related("unit").order_by("order")),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("speaker_unit").order_by("order"),
            ),
            Prefetch(
                "flag_handed_to",
                queryset=self.model.objects.with_host().order_by("number"),
            ),
            Prefetch(
                "participants",
                queryset=EditionParticipant.objects.select_related(
                    "unit__successor", "unit__department"
                ).order_by("unit__sort_key"),
            ),
        )
