import pytest
from django.core.exceptions import ValidationError

from conference.models import AuditEntry, EditionParticipant, Registration
from conference.services.editions import edition_set_capacity, participant_set_quota
from tests.factories import RegistrationFactory, UserFactory, current_unit

pytestmark = pytest.mark.django_db


def _full_with_two_waiting(edition):
    """``open_edition`` (capacity 5, Hà Nội quota 2) with its five seats taken and two waiting:
    one of Hà Nội (quota full) and one of Hải Phòng (no quota), in that order."""
    RegistrationFactory.create_batch(2, edition=edition, unit=current_unit("01"))
    RegistrationFactory.create_batch(3, edition=edition, unit=current_unit("31"))
    hanoi = RegistrationFactory(edition=edition, unit=current_unit("01"), status="waitlisted")
    haiphong = RegistrationFactory(edition=edition, unit=current_unit("31"), status="waitlisted")
    return hanoi, haiphong


def test_edition_set_capacity_moves_the_waiting_list_whose_unit_has_room(
    open_edition, django_capture_on_commit_callbacks, mailoutbox
):
    organizer = UserFactory(roles=["organizer"])
    hanoi, haiphong = _full_with_two_waiting(open_edition)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = edition_set_capacity(edition=open_edition, capacity=7, actor=organizer)
    open_edition.refresh_from_db()
    hanoi.refresh_from_db()
    assert (promoted, open_edition.capacity, hanoi.status) == ([haiphong], 7, "waitlisted")
    assert [m.to for m in mailoutbox] == [[haiphong.email]]
    entry = AuditEntry.objects.get(action="registration.pending")
    assert (entry.object_id, entry.actor) == (str(haiphong.pk), organizer)


def test_participant_set_quota_then_moves_that_units_delegate(open_edition):
    hanoi, _haiphong = _full_with_two_waiting(open_edition)
    edition_set_capacity(edition=open_edition, capacity=6, actor=None)  # Hải Phòng moves up
    participant = EditionParticipant.objects.get(edition=open_edition, unit=current_unit("01"))
    assert participant_set_quota(participant=participant, quota=3, actor=None) == []  # full
    edition_set_capacity(edition=open_edition, capacity=7, actor=None)
    hanoi.refresh_from_db()
    assert (hanoi.status, Registration.objects.for_edition(open_edition).waitlist().count()) == (
        "pending",
        0,
    )


def test_participant_set_quota_refuses_a_negative_quota(open_edition):
    participant = EditionParticipant.objects.get(edition=open_edition, unit=current_unit("01"))
    with pytest.raises(ValidationError):
        participant_set_quota(participant=participant, quota=-1, actor=None)
    participant.refresh_from_db()
    assert participant.quota == 2
