"""Seats counted for the organizers' list of registrations: every participating unit's seats and
the edition's, from one GROUP BY over the edition's registrations (an index-only scan of
``registration_unit_status``).

The same figures as ``EditionParticipant.objects.with_seat_counts()`` and
``services.registrations.seats_summary()``, which the list ran both of: the first joins each
unit's registrations, the second scans the edition's again (together ~60 % of the list's SQL
time at 20,000 registrations).
"""

from __future__ import annotations

from conference.models import Edition, EditionParticipant, Registration

_COUNTED = {
    "used": Registration.HOLDS_SEAT,
    "waiting": (Registration.Status.WAITLISTED,),
    "pending": (Registration.Status.PENDING,),
    "confirmed": (Registration.Status.CONFIRMED,),
    "checked_in": (Registration.Status.CHECKED_IN,),
    "with_badge": Registration.GETS_BADGE,
}


def edition_seats(edition: Edition) -> tuple[list[EditionParticipant], dict[str, int | None]]:
    """``(participants, summary)``: the edition's participants in Vietnamese order of their
    units, each with the attributes ``with_seat_counts()`` gives (``registered``, ``used``,
    ``waiting``, ``pending``, ``confirmed``, ``checked_in``, ``with_badge``, so ``seats_left``
    works), and what ``seats_summary(edition)`` returns (``capacity``, ``taken``, ``left``,
    ``registered``). Two queries."""
    counts = Registration.objects.for_edition(edition).count_by_unit_and_status()
    per_unit: dict[int | None, dict[str, int]] = {}
    for (unit_id, status), count in counts.items():
        unit = per_unit.setdefault(unit_id, {})
        unit[status] = unit.get(status, 0) + count
    participants = list(
        EditionParticipant.objects.filter(edition=edition)
        .select_related("unit")
        .order_by("unit__sort_key")
    )
    for participant in participants:
        by_status = per_unit.get(participant.unit_id, {})
        participant.registered = sum(by_status.values())
        for name, statuses in _COUNTED.items():
            setattr(participant, name, sum(by_status.get(status, 0) for status in statuses))
    taken = sum(
        count for (_u, status), count in counts.items() if status in Registration.HOLDS_SEAT
    )
    capacity = edition.capacity
    return participants, {
        "capacity": capacity,
        "taken": taken,
        "left": None if capacity is None else max(capacity - taken, 0),
        "registered": sum(counts.values()),
    }
