"""The edition's stages and the host-flag handover: every rule, as done and as refused."""

import datetime
import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from PIL import Image

from conference.models import (
    AuditEntry,
    Edition,
    EditionParticipant,
    Handover,
    Notification,
    Registration,
)
from conference.services.editions import (
    edition_close,
    edition_hand_over_flag,
    edition_mark_held,
    edition_open_proposals,
    edition_open_registration,
    edition_set_capacity,
    participant_set_quota,
)
from provinces.models import Department
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    HandoverFactory,
    LiaisonFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
    unit_before_2025,
)

pytestmark = pytest.mark.django_db

XI_DAY = datetime.date(2025, 10, 17)


@pytest.fixture
def organizer():
    return UserFactory(username="tochuc", roles=["organizer"])


def department(code: str, day: datetime.date | None = None) -> Department:
    unit = current_unit(code) if day is None else unit_before_2025(code)
    return Department.objects.get(unit=unit)


def hand_over_at_xi(organizer, **kwargs):
    arguments = {
        "at_edition": Edition.objects.get(number=11),
        "to_department": department("25"),
        "date": XI_DAY,
        "place": "Tuyên Quang",
        "actor": organizer,
        **kwargs,
    }
    return edition_hand_over_flag(**arguments)


def png(size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    noise = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    noise.save(buffer, "PNG")
    return SimpleUploadedFile("co.png", buffer.getvalue(), content_type="image/png")


# The handover ---------------------------------------------------------------------------------


def test_hand_over_flag_creates_the_next_edition_moves_the_flag_and_notifies(
    organizer, mailoutbox, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    LiaisonFactory(username="lienlac.hanoi", email="hanoi@example.vn")  # Hà Nội takes part in XI
    LiaisonFactory(
        username="lienlac.phutho", email="phutho@example.vn", language="en",
        department=department("25"),
    )  # fmt: skip
    Department.objects.filter(unit=current_unit("04")).update(email="sct@caobang.gov.vn")

    with django_capture_on_commit_callbacks(execute=True):
        handover = hand_over_at_xi(organizer, photo=png(), handed_by_name="Nguyễn Hồng Diên")

    xii = Edition.objects.get(number=12)
    assert (xii.year, xii.host, xii.lifecycle) == (2026, current_unit("25"), "planned")
    assert (handover.from_edition.number, handover.to_edition, handover.is_current) == (
        11, xii, True,
    )  # fmt: skip
    assert handover.photo.name.startswith("handovers/co")
    assert list(Handover.objects.filter(is_current=True)) == [handover]
    entry = AuditEntry.objects.get(action="edition.hand_over_flag")
    assert (entry.actor, entry.data["emails_queued"], entry.data["to_edition"]) == (
        organizer,
        3,
        12,
    )
    # 18 departments take part in XI; those with neither an address nor a liaison are named.
    assert len(entry.data["departments_without_address"]) == 15
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("hanoi@example.vn",
         "[Hội nghị Công Thương phía Bắc lần thứ XII] "
         "Cờ đăng cai Hội nghị lần thứ XII đã được trao cho Sở Công Thương Phú Thọ"),
        ("phutho@example.vn",
         "[Northern Industry and Trade Conference XII] "
         "The host flag of edition XII was handed to Phú Thọ Department of Industry and Trade"),
        ("sct@caobang.gov.vn",
         "[Hội nghị Công Thương phía Bắc lần thứ XII] "
         "Cờ đăng cai Hội nghị lần thứ XII đã được trao cho Sở Công Thương Phú Thọ"),
    ]  # fmt: skip
    assert "Tại phiên bế mạc Hội nghị ngành Công Thương" in mailoutbox[0].body


def test_hand_over_flag_validates_an_existing_next_edition(organizer):
    xii = EditionFactory(number=12, year=2026, host=None, date=None)

    handover = hand_over_at_xi(organizer)

    xii.refresh_from_db()
    assert (handover.to_edition, xii.host) == (xii, current_unit("25"))


def test_hand_over_flag_is_not_sent_twice(organizer, django_capture_on_commit_callbacks):
    LiaisonFactory(username="lienlac.hanoi", email="hanoi@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        hand_over_at_xi(organizer)
    with pytest.raises(ValidationError):
        hand_over_at_xi(organizer)

    assert Notification.objects.filter(kind="flag_handed_over").count() == 1


def _refusal(organizer, **kwargs) -> list[str]:
    before = (Handover.objects.count(), Edition.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        hand_over_at_xi(organizer, **kwargs)
    assert (Handover.objects.count(), Edition.objects.count(), AuditEntry.objects.count()) == (
        before
    )
    return error.value.messages


def test_hand_over_flag_refused_unless_the_edition_is_held(organizer, english):
    planned = EditionFactory(number=30, date=timezone.localdate())

    assert _refusal(organizer, at_edition=planned) == [
        "The flag is handed over at the close of an edition: edition XXX is “Planned”, not held."
    ]


def test_hand_over_flag_refused_twice_out_of_one_edition(organizer, english):
    hand_over_at_xi(organizer)

    assert _refusal(organizer, to_department=department("01")) == [
        "Edition XI has already handed over the flag of edition XII."
    ]


def test_hand_over_flag_refused_twice_into_one_edition(organizer, english):
    xii = EditionFactory(number=12, year=2026, host=current_unit("25"))
    HandoverFactory(from_edition=EditionFactory(number=40), to_edition=xii)

    assert _refusal(organizer) == ["The flag of edition XII has already been handed over."]


def test_hand_over_flag_refused_when_the_next_edition_has_another_host(organizer, english):
    EditionFactory(number=12, year=2026, host=current_unit("01"))

    assert _refusal(organizer) == ["Edition XII is already to be hosted by Hà Nội, not Phú Thọ."]


def test_hand_over_flag_refused_outside_the_editions_dates(organizer, english):
    assert _refusal(organizer, date=datetime.date(2025, 10, 18)) == [
        "The handover takes place at edition XI: on 17/10/2025, not on 18/10/2025."
    ]


def test_hand_over_flag_refused_to_a_department_of_a_unit_no_longer_valid(organizer, english):
    ha_giang = Department.objects.get(unit=unit_before_2025("02"))

    assert _refusal(organizer, to_department=ha_giang) == [
        "Sở Công Thương Hà Giang did not exist on 17/10/2025: choose the department of a unit "
        "valid then."
    ]


def test_hand_over_flag_refused_when_documented_without_source(organizer, english):
    assert _refusal(organizer, documented=True) == ["A documented handover names its source."]


def test_hand_over_flag_refuses_a_file_that_is_not_an_image(organizer, english):
    fake = SimpleUploadedFile("co.png", b"<html>not an image</html>", content_type="image/png")

    assert _refusal(organizer, photo=fake) == ["The file is not a JPEG, PNG or WebP image."]


def test_hand_over_flag_refuses_a_photo_too_large(organizer, english, settings):
    settings.HANDOVER_PHOTO_MAX_BYTES = 50_000

    assert _refusal(organizer, photo=png((200, 200))) == [
        "The photo is too large (0,1 MB); at most 0,05 MB."
    ]


def test_one_current_flag_holder_is_a_database_constraint():
    Handover.objects.filter(from_edition__number=10).update(is_current=False)
    HandoverFactory(from_edition=EditionFactory(number=40), is_current=True)
    HandoverFactory(from_edition=EditionFactory(number=50), is_current=False)

    # PostgreSQL names the constraint, SQLite the column.
    with pytest.raises(IntegrityError, match=r"handover_one_current_flag_holder|is_current"):
        HandoverFactory(from_edition=EditionFactory(number=60), is_current=True)


# The stages -----------------------------------------------------------------------------------


def test_edition_goes_through_every_stage(organizer, english):
    today = timezone.localdate()
    edition = EditionFactory(number=30, date=today + datetime.timedelta(days=30))

    edition_open_registration(edition=edition, actor=organizer)
    edition_open_proposals(edition=edition, actor=organizer)
    Edition.objects.filter(pk=edition.pk).update(date=today)
    edition_mark_held(edition=edition, actor=organizer)
    edition_close(edition=edition, actor=organizer, last_of_series=True)

    edition.refresh_from_db()
    assert (edition.lifecycle, edition.is_last_of_series) == ("closed", True)
    first_day = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=30), datetime.time())
    )
    assert edition.registration_closes_at == first_day - datetime.timedelta(days=7)
    assert list(
        AuditEntry.objects.filter(action="edition.lifecycle")
        .order_by("id")
        .values_list("from_state", "to_state")
    ) == [
        ("planned", "registration_open"),
        ("registration_open", "proposals_open"),
        ("proposals_open", "held"),
        ("held", "closed"),
    ]


def test_edition_stage_cannot_be_skipped(organizer, english):
    edition = EditionFactory(number=30, date=timezone.localdate())

    with pytest.raises(ValidationError) as error:
        edition_mark_held(edition=edition, actor=organizer)

    assert error.value.messages == ["Edition XXX is “Planned”: it cannot become “Held”."]
    edition.refresh_from_db()
    assert edition.lifecycle == "planned"


def test_edition_cannot_be_held_before_its_date(organizer, english):
    day = timezone.localdate() + datetime.timedelta(days=3)
    edition = EditionFactory(number=30, date=day, lifecycle="proposals_open")

    with pytest.raises(ValidationError) as error:
        edition_mark_held(edition=edition, actor=organizer)

    assert error.value.messages == [
        f"Edition XXX starts on {day:%d/%m/%Y}: it cannot be held before then."
    ]


def test_edition_cannot_close_without_its_handover(organizer, english):
    xi = Edition.objects.get(number=11)

    with pytest.raises(ValidationError) as error:
        edition_close(edition=xi, actor=organizer)

    assert error.value.messages == [
        "Edition XI cannot close before the host flag is handed over, unless it is marked as the "
        "last of the series."
    ]


def test_edition_closes_after_its_handover(organizer):
    hand_over_at_xi(organizer)

    edition_close(edition=Edition.objects.get(number=11), actor=organizer)

    assert Edition.objects.get(number=11).lifecycle == "closed"


def test_edition_open_registration_needs_a_date(organizer, english):
    edition = EditionFactory(number=30, date=None)

    with pytest.raises(ValidationError) as error:
        edition_open_registration(edition=edition, actor=organizer)

    assert error.value.messages == ["Set the date of edition XXX first."]


def test_participants_of_the_giving_edition_are_who_is_notified():
    edition = EditionFactory(number=30)
    EditionParticipantFactory(edition=edition, unit=current_unit("01"))
    handover = HandoverFactory(from_edition=edition)
    from conference.notifications.editions import handover_recipients

    assert handover_recipients(handover) == (
        [],
        ["Sở Công Thương Hà Nội", "Sở Công Thương Phú Thọ"],
    )


def test_hand_over_flag_refused_into_a_sample_edition(organizer, english):
    EditionFactory(number=12, year=2026, host=current_unit("25"), is_demo=True)

    assert _refusal(organizer) == [
        "Edition XII is sample data: delete it before handing over its flag."
    ]


# Seats ----------------------------------------------------------------------------------------


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
