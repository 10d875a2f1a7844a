import pytest
from django.db import IntegrityError, transaction

from conference.models import Registration
from conference.phones import format_phone, format_stored_phone, normalize_phone
from tests.factories import EditionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def test_registration_email_unique_per_edition_ignoring_case():
    edition = EditionFactory()
    RegistrationFactory(edition=edition, email="Hien.Nguyen@Example.vn")
    other = RegistrationFactory.build(edition=edition, unit=None, email="x@example.vn")
    other.organisation_kind = Registration.OrganisationKind.GUEST
    other.save()
    # save() normalises; bypass it to prove the database compares case-insensitively
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=other.pk).update(email="HIEN.NGUYEN@example.VN")


def test_registration_email_stored_lower_case():
    registration = RegistrationFactory(email="  Hien.Nguyen@Example.VN ")
    registration.refresh_from_db()
    assert registration.email == "hien.nguyen@example.vn"


def test_registration_email_free_again_after_cancel():
    edition = EditionFactory()
    RegistrationFactory(edition=edition, email="an@example.vn", status=Status.CANCELLED)
    RegistrationFactory(edition=edition, email="an@example.vn", status=Status.DECLINED)
    RegistrationFactory(edition=edition, email="AN@example.vn")
    assert Registration.objects.filter(email="an@example.vn").count() == 3


def test_registration_same_email_other_edition_allowed():
    RegistrationFactory(email="an@example.vn")
    RegistrationFactory(email="an@example.vn")
    assert Registration.objects.filter(email="an@example.vn").count() == 2


@pytest.mark.parametrize("status", [Status.PENDING, Status.WAITLISTED, Status.CONFIRMED])
def test_registration_email_unique_among_active_states(status):
    edition = EditionFactory()
    RegistrationFactory(edition=edition, email="an@example.vn", status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(edition=edition, email="an@example.vn")


def test_registration_provincial_kind_needs_unit():
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(unit=None, organisation_kind=Registration.OrganisationKind.DOIT)


def test_registration_badge_code_unguessable_and_typeable():
    codes = {RegistrationFactory().badge_code for _ in range(20)}
    assert len(codes) == 20
    assert all(
        len(code) == 10 and set(code) <= set("23456789ABCDEFGHJKMNPQRSTVWXYZ") for code in codes
    )


def test_registration_search_and_sort_fields():
    registration = RegistrationFactory(
        full_name="Nguyễn Thị Hiền", organisation_name="Sở Công Thương Quảng Ninh"
    )
    assert registration.search_text.startswith("nguyen thi hien so cong thuong quang ninh ")
    assert Registration.objects.search("hien quang ninh").get() == registration
    assert Registration.objects.search("0912345678").get() == registration


@pytest.mark.parametrize(
    "typed", ["+84912345678", "+84 912 345 678", "0912 345 678", "84912345678"]
)
def test_registration_search_finds_a_phone_however_it_is_written(typed):
    registration = RegistrationFactory(phone="0912345678")
    assert list(Registration.objects.search(typed)) == [registration]


def test_registration_search_finds_the_badge_code_as_printed():
    registration = RegistrationFactory(badge_code="7K3M9QXD2P")
    RegistrationFactory(email="other@example.vn")
    assert list(Registration.objects.search("7k3m9-qxd2p")) == [registration]
    assert list(Registration.objects.search("7K3M9QXD2P")) == [registration]


def test_registration_sorted_by_given_name():
    edition = EditionFactory()
    for name in ["Trần Văn Bình", "Nguyễn Thị Hiền", "Lê An"]:
        RegistrationFactory(edition=edition, full_name=name)
    names = list(Registration.objects.ordered().values_list("full_name", flat=True))
    assert names == ["Lê An", "Trần Văn Bình", "Nguyễn Thị Hiền"]


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("0912345678", "+84912345678", "0912 345 678"),
        ("0912 345 678", "+84912345678", "0912 345 678"),
        ("+84 912 345 678", "+84912345678", "0912 345 678"),
        ("84912345678", "+84912345678", "0912 345 678"),
        ("091.234.5678", "+84912345678", "0912 345 678"),
        ("024 3825 1234", "+842438251234", "024 3825 1234"),
        ("02033825123", "+842033825123", "0203 3825 123"),
        # Guests from abroad: with their country code, shown the international way.
        ("+33 1 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
        ("0033 1 23 45 67 89", "+33123456789", "+33 1 23 45 67 89"),
        ("+1 202 555 0143", "+12025550143", "+1 202-555-0143"),
        # Extensions are kept (RFC 3966 ";ext="), shown as Vietnamese write them.
        ("024 3825 1234 ext. 12", "+842438251234;ext=12", "024 3825 1234 máy lẻ 12"),
        ("024 3825 1234 máy lẻ 12", "+842438251234;ext=12", "024 3825 1234 máy lẻ 12"),
        ("024.3825.1234 ML 12", "+842438251234;ext=12", "024 3825 1234 máy lẻ 12"),
        ("+44 20 7946 0958 x 7", "+442079460958;ext=7", "+44 20 7946 0958 máy lẻ 7"),
    ],
)
def test_phone_normalised_and_shown(typed, stored, shown):
    assert normalize_phone(typed) == stored
    assert format_phone(stored) == shown
    assert format_stored_phone(stored) == shown


def test_phone_stored_shown_as_phonenumbers_shows_it():
    """format_stored_phone (exports: phonenumbers once per kind of number) gives format_phone's
    text for every Vietnamese number of 8 to 11 digits, valid or not, in any order."""
    import random

    chosen = random.Random(12)
    numbers = ["", "+84", "+84123", "+84\uff1912345678", "+8491234567x", "+842438251234;ext=12"]
    numbers += [f"+84{chosen.randrange(10**7, 10**11)}" for _index in range(3000)]
    numbers += ["+84912345678", "+84912345679", "+84912000000"]  # same kind: from the memory
    assert [format_stored_phone(number) for number in numbers] == [
        format_phone(number) for number in numbers
    ]


def test_phone_extension_shown_in_english(english):
    assert format_phone("+842438251234;ext=12") == "024 3825 1234 ext. 12"


def test_phone_stored_before_extensions_still_shown_and_found():
    """Numbers stored before this change are plain E.164: the same display, the same search."""
    registration = RegistrationFactory(phone="+842438251234")
    assert registration.phone_display == "024 3825 1234"
    assert list(Registration.objects.search("024 3825 1234")) == [registration]


def test_phone_from_abroad_found_by_search():
    registration = RegistrationFactory(phone="+33123456789")
    RegistrationFactory(phone="+84912345678")
    assert list(Registration.objects.search("+33 1 23 45 67 89")) == [registration]
    assert list(Registration.objects.search("33123456789")) == [registration]


@pytest.mark.parametrize(
    "typed",
    ["0123", "12345", "abc", "0912 345 67", "+33 1 23", "024 3825 1234 ext. 12345678901"],
)
def test_phone_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert error.value.code == "invalid_phone"


def test_registration_transitions_map_is_the_documented_one():
    assert {s: sorted(t) for s, t in Registration.TRANSITIONS.items()} == {
        "unverified": ["cancelled", "pending", "waitlisted"],
        "pending": ["cancelled", "confirmed", "declined"],
        "confirmed": ["cancelled", "checked_in"],
        "waitlisted": ["cancelled", "pending"],
        "declined": [],
        "cancelled": [],
        "checked_in": [],
    }


def test_participants_with_seat_counts_count_their_own_edition_only():
    from conference.models import EditionParticipant

    edition, other = EditionFactory(), EditionFactory()
    for status in ("pending", "pending", "confirmed", "checked_in", "waitlisted", "cancelled"):
        RegistrationFactory(edition=edition, status=status)
    RegistrationFactory(edition=other, status="confirmed")
    participants = EditionParticipant.objects.filter(
        unit__code="01", edition__in=[edition, other]
    ).with_seat_counts()
    counts = {
        p.edition_id: (p.used, p.waiting, p.pending, p.confirmed, p.checked_in, p.with_badge)
        for p in participants
    }
    assert counts == {edition.pk: (4, 1, 2, 1, 1, 2), other.pk: (1, 0, 0, 1, 0, 1)}
