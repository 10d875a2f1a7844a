"""No overbooking under concurrency, on PostgreSQL (SQLite serialises writers anyway).

Many delegates have registered (a registration takes no seat until its email address is
confirmed); many threads, each with its own database connection, then confirm at the same instant
for the last seats. First the same test runs with the row locks switched off
(``lock_rows=False``) to show that the race exists; then with the locks, where exactly the free
seats are taken.

Run: DATABASE_URL=postgres://… pytest -m postgres tests/conference/test_registration_race.py
"""

import pytest

from conference.models import EditionParticipant, Registration
from conference.services.registrations import delegate_register, registration_verify_email
from tests.concurrency import at_once
from tests.factories import RegistrationFactory, current_unit, delegate_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 24


def _race(edition, *, lock_rows: bool, unit_code: str, prefix: str) -> dict[str, int]:
    """THREADS registrations (addresses not yet confirmed) confirm at once; returns how many got
    a seat ("created") and how many went to the waiting list ("full")."""
    registrations = [
        delegate_register(
            edition=edition,
            data=delegate_data(email=f"{prefix}{n}@example.vn", unit=current_unit(unit_code)),
            consent=True,
            join_waitlist=True,
        )[0]
        for n in range(THREADS)
    ]
    tally = at_once(
        THREADS,
        lambda n: registration_verify_email(registration=registrations[n], lock_rows=lock_rows),
        {},
    )
    statuses = list(
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).values_list(
            "status", flat=True
        )
    )
    return {
        "created": statuses.count("pending"),
        "full": statuses.count("waitlisted"),
        "error": tally["error"],
    }


def _seats(edition, unit_code=None) -> int:
    taken = Registration.objects.for_edition(edition).holding_seats()
    if unit_code:
        taken = taken.filter(unit__code=unit_code, unit__valid_until__isnull=True)
    return taken.count()


def _overbooks_without_locks(edition, *, unit_code, limit, seats) -> int:
    """Run the unlocked race (a few rounds at most, the scheduler decides) until it overbooks;
    returns the seats taken in the round that overbooked, or the last count."""
    for round_ in range(5):
        Registration.objects.for_edition(edition).delete()
        RegistrationFactory.create_batch(
            limit - seats, edition=edition, unit=current_unit(unit_code)
        )
        _race(edition, lock_rows=False, unit_code=unit_code, prefix=f"r{round_}-")
        taken = _seats(edition, unit_code if edition.capacity is None else None)
        if taken > limit:
            print(f"without locks, round {round_ + 1}: {taken} seats taken of {limit}")
            return taken
    return taken


def test_quota_race_overbooks_without_locks_and_not_with_them(open_edition):
    open_edition.capacity = None
    open_edition.save()
    EditionParticipant.objects.filter(edition=open_edition, unit__code="01").update(quota=5)
    # Without the locks: several threads see the last seats free and all take one.
    taken = _overbooks_without_locks(open_edition, unit_code="01", limit=5, seats=2)
    assert taken > 5, "the unlocked variant should show the race"

    Registration.objects.for_edition(open_edition).delete()
    RegistrationFactory.create_batch(3, edition=open_edition, unit=current_unit("01"))
    outcome = _race(open_edition, lock_rows=True, unit_code="01", prefix="locked-")
    assert outcome == {"created": 2, "full": THREADS - 2, "error": 0}
    assert _seats(open_edition, "01") == 5


def test_capacity_race_overbooks_without_locks_and_not_with_them(open_edition):
    # capacity 5, Hải Phòng has no quota: only the edition-wide capacity limits
    taken = _overbooks_without_locks(open_edition, unit_code="31", limit=5, seats=1)
    assert taken > 5, "the unlocked variant should show the race"

    Registration.objects.for_edition(open_edition).delete()
    RegistrationFactory.create_batch(4, edition=open_edition, unit=current_unit("31"))
    outcome = _race(open_edition, lock_rows=True, unit_code="31", prefix="locked-")
    assert outcome == {"created": 1, "full": THREADS - 1, "error": 0}
    assert _seats(open_edition) == 5
