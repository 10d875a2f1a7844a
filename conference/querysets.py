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
    """Participating units; ``with_seat_counts()`` adds what their delegations hold."""

    _with_seat_counts = False

    def with_seat_counts(self) -> EditionParticipantQuerySet:
        """Each participating unit with its delegates *of that edition* counted by state:
        ``used`` (holding a seat: what the quota limits), ``waiting``, ``pending``,
        ``confirmed``, ``checked_in``, ``with_badge`` (confirmed or checked in) and
        ``registered`` (in any state). Set on each row once the rows are read, from
        :func:`conference.seat_counts.edition_counts` (one grouped query per edition, cached
        until a registration of the edition changes): the one place the delegation page, the
        organizers' list, the dashboard and the badge index count seats. Attributes, not SQL
        annotations: filter and order on the participants' own fields."""
        clone = self._chain()
        clone._with_seat_counts = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_seat_counts = self._with_seat_counts
        return clone

    def _fetch_all(self) -> None:
        fetched = self._result_cache is None
        super()._fetch_all()
        if fetched and self._with_seat_counts:
            set_seat_counts(self._result_cache)


def set_seat_counts(participants) -> None:
    """Set the seat counts of :meth:`EditionParticipantQuerySet.with_seat_counts` on
    ``participants`` (of any editions: one grouped query, or none, per edition)."""
    from conference import seat_counts
    from conference.models import EditionParticipant, Registration

    Status = Registration.Status
    by_edition: dict[int, dict] = {}
    for participant in participants:
        if not isinstance(participant, EditionParticipant):
            return  # values() or values_list(): nothing to set
        if participant.edition_id not in by_edition:
            by_edition[participant.edition_id] = seat_counts.edition_counts(participant.edition_id)
        counts = by_edition[participant.edition_id].get(participant.unit_id, {})

        def of(*statuses, counts=counts):
            return sum(counts.get(status, 0) for status in statuses)

        participant.registered = sum(counts.values())
        participant.used = of(*Registration.HOLDS_SEAT)
        participant.waiting = of(Status.WAITLISTED)
        participant.pending = of(Status.PENDING)
        participant.confirmed = of(Status.CONFIRMED)
        participant.checked_in = of(Status.CHECKED_IN)
        participant.with_badge = of(*Registration.GETS_BADGE)
