from __future__ import annotations

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone


class EditionQuerySet(models.QuerySet):
    def real(self) -> EditionQuerySet:
        return self.filter(is_demo=False)

    def with_host(self) -> EditionQuerySet:
        """With the host, where it was held, and the handovers in and out of each edition."""
        return self.select_related(
            "host__successor",
            "held_in",
            "handover_in__from_edition__host",
            "handover_in__receiving_department__unit__successor__department",
            "handover_out__to_edition__host__successor",
            "handover_out__receiving_department__unit",
        )

    def timeline(self) -> EditionQuerySet:
        return self.with_host().order_by("number")

    def with_chairs(self) -> EditionQuerySet:
        """The editions with their chairs (and the chairs' units), in one more query."""
        from conference.models import Chair

        return self.prefetch_related(
            Prefetch("chairs", queryset=Chair.objects.select_related("unit").order_by("order"))
        )

    def next_or_current(self, *, with_host: bool = True):
        """The edition people should see first: the next one to be held, else the latest.
        ``with_host=False`` for pages that show nothing of the host or the handovers: the joins
        of ``with_host`` cost more to plan than the query takes to run."""
        today = timezone.localdate()
        editions = self.with_host() if with_host else self.all()
        upcoming = (
            editions.filter(models.Q(date__gte=today) | models.Q(end_date__gte=today))
            .order_by("date", "number")
            .first()
        )
        if upcoming is not None:
            return upcoming
        undated = editions.filter(date__isnull=True, year__gte=today.year).first()
        return undated or editions.order_by("-number").first()

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
                "participants",
                queryset=EditionParticipant.objects.select_related(
                    "unit__successor", "unit__department"
                ).order_by("unit__sort_key"),
            ),
        )


class EditionParticipantQuerySet(models.QuerySet):
    def with_seat_counts(self) -> EditionParticipantQuerySet:
        """Each participating unit with its delegates *of that edition* counted by state, in the
        same query: ``used`` (holding a seat: what the quota limits), ``waiting``, ``pending``,
        ``confirmed``, ``checked_in``, ``with_badge`` (confirmed or checked in) and ``registered``
        (in any state). The one place
        the delegation page, the organizers' list and the badge index count seats."""
        from conference.models import Registration

        Status = Registration.Status
        # The edition's condition is in the JOIN (a FilteredRelation), so only this edition's
        # registrations are joined (index registration_unit_status), not every registration the
        # units ever had.
        joined = self.alias(
            of_edition=models.FilteredRelation(
                "unit__registrations",
                condition=models.Q(unit__registrations__edition_id=models.F("edition_id")),
            )
        )

        def count(*statuses):
            return models.Count("of_edition", filter=models.Q(of_edition__status__in=statuses))

        return joined.annotate(
            registered=models.Count("of_edition"),
            used=count(*Registration.HOLDS_SEAT),
            waiting=count(Status.WAITLISTED),
            pending=count(Status.PENDING),
            confirmed=count(Status.CONFIRMED),
            checked_in=count(Status.CHECKED_IN),
            with_badge=count(*Registration.GETS_BADGE),
        )
