import pytest

from conference.models import EditionParticipant
from conference.seat_counts import edition_seats
from conference.services.registrations import seats_summary
from tests.factories import EditionFactory, RegistrationFactory, current_unit

pytestmark = pytest.mark.django_db

COUNTS = ["registered", "used", "waiting", "pending", "confirmed", "checked_in", "with_badge"]


def test_edition_seats_same_as_with_seat_counts_and_seats_summary(open_edition):
    """The organizers' list counts in one GROUP BY what with_seat_counts() and seats_summary()
    count: every state, a unit without registrations, a guest without a unit, another edition."""
    statuses = ["pending", "confirmed", "checked_in", "waitlisted", "declined", "cancelled"]
    for n, status in enumerate(statuses * 2):
        RegistrationFactory(edition=open_edition, status=status, unit=current_unit("01"))
        if n % 3 == 0:
            RegistrationFactory(edition=open_edition, status=status, unit=current_unit("31"))
    RegistrationFactory(edition=open_edition, unit=None, organisation_kind="guest")
    RegistrationFactory(edition=EditionFactory(), unit=current_unit("01"))
    EditionParticipant.objects.create(edition=open_edition, unit=current_unit("04"), quota=4)

    participants, summary = edition_seats(open_edition)

    expected = (
        EditionParticipant.objects.filter(edition=open_edition)
        .select_related("unit")
        .with_seat_counts()
        .order_by("unit__sort_key")
    )
    assert [
        (p.unit.code, p.quota, p.seats_left, *(getattr(p, name) for name in COUNTS))
        for p in participants
    ] == [
        (p.unit.code, p.quota, p.seats_left, *(getattr(p, name) for name in COUNTS))
        for p in expected
    ]
    assert summary == seats_summary(open_edition)
    assert summary == {"capacity": 5, "taken": 9, "left": 0, "registered": 17}
