"""Staff entry (services): one delegate entered by an organizer or a liaison, and a whole
delegation imported all or nothing; the quota applies, the permissions hold, no email to a
delegate without an address."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conference.models import AuditEntry, Notification, Registration
from conference.permissions import ORGANIZER
from conference.services import registrations as services
from tests.factories import (
    LiaisonFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
    delegate_data,
    department,
)

# Messages compared in English (the source language).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = Registration.Status


@pytest.fixture
def organizer():
    return UserFactory(username="bantochuc", roles=[ORGANIZER])


@pytest.fixture
def liaison():
    return LiaisonFactory(username="lienlac-hn")  # Hà Nội (01)


def _row(number, **overrides):
    return services.ImportRow(number, data=delegate_data(**overrides))


def test_staff_entry_by_liaison_confirmed_in_their_name_without_email(
    open_edition, liaison, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create_by_staff(
            edition=open_edition, actor=liaison, data=delegate_data(email="")
        )
    registration.refresh_from_db()
    assert (registration.status, registration.email, registration.phone) == (
        Status.CONFIRMED,
        "",
        "+84912345678",
    )
    entries = list(
        AuditEntry.objects.filter(object_id=str(registration.pk))
        .order_by("id")
        .values_list("action", "actor_id", "to_state")
    )
    assert entries == [
        ("registration.staff_entry", liaison.pk, Status.PENDING),
        ("registration.confirmed", liaison.pk, Status.CONFIRMED),
    ]
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_staff_entry_with_email_sends_the_confirmation(
    open_edition, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create_by_staff(
            edition=open_edition, actor=organizer, data=delegate_data()
        )
    assert registration.status == Status.CONFIRMED
    assert list(Notification.objects.values_list("kind", "recipient")) == [
        ("registration_confirmed", "hien@example.vn")
    ]
    assert [message.to for message in mailoutbox] == [["hien@example.vn"]]


def test_staff_entry_over_quota_refused_unless_waitlist(open_edition, organizer):
    RegistrationFactory.create_batch(2, edition=open_edition)  # Hà Nội's quota is 2
    with pytest.raises(services.Full) as error:
        services.registration_create_by_staff(
            edition=open_edition, actor=organizer, data=delegate_data(email="")
        )
    assert error.value.code == "quota_full"
    assert Registration.objects.count() == 2
    registration = services.registration_create_by_staff(
        edition=open_edition, actor=organizer, data=delegate_data(email=""), join_waitlist=True
    )
    assert registration.status == Status.WAITLISTED
    assert registration.waitlisted_at is not None


def test_staff_entry_liaison_of_another_province_refused(open_edition):
    haiphong = LiaisonFactory(username="lienlac-hp", department=department("31"))
    with pytest.raises(ValidationError) as error:
        services.registration_create_by_staff(
            edition=open_edition, actor=haiphong, data=delegate_data()
        )
    assert error.value.message_dict == {
        "unit": ["You may enter only the delegates of your own province or city."]
    }
    assert Registration.objects.count() == 0


def test_staff_entry_liaison_cannot_enter_guests(open_edition, liaison):
    with pytest.raises(ValidationError) as error:
        services.registration_create_by_staff(
            edition=open_edition,
            actor=liaison,
            data=delegate_data(unit=None, organisation_kind="guest"),
        )
    assert error.value.message_dict == {
        "unit": [
            "Only the organizers may enter delegates who do not belong to a province's delegation."
        ]
    }


def test_staff_entry_existing_active_email_refused(open_edition, organizer):
    RegistrationFactory(edition=open_edition, email="hien@example.vn")
    with pytest.raises(ValidationError) as error:
        services.registration_create_by_staff(
            edition=open_edition, actor=organizer, data=delegate_data(email="HIEN@example.vn")
        )
    assert list(error.value.message_dict) == ["email"]


def test_several_delegates_without_email_in_one_edition(open_edition, organizer):
    for name in ("Lê Văn An", "Trần Thị Bình"):
        services.registration_create_by_staff(
            edition=open_edition,
            actor=organizer,
            data=delegate_data(email="", full_name=name, unit=current_unit("31")),
        )
    assert sorted(Registration.objects.values_list("full_name", "email")) == [
        ("Lê Văn An", ""),
        ("Trần Thị Bình", ""),
    ]


def test_public_registration_still_needs_an_email(open_edition):
    with pytest.raises(ValidationError) as error:
        services.delegate_register(edition=open_edition, data=delegate_data(email=""), consent=True)
    assert list(error.value.message_dict) == ["email"]


def test_import_writes_all_rows(open_edition, liaison):
    rows = [_row(2, email=""), _row(3, email="binh@example.vn", full_name="Trần Văn Bình")]
    report = services.registrations_import_by_staff(edition=open_edition, actor=liaison, rows=rows)
    assert (report.written, report.problems, report.confirmed) == (True, [], 2)
    assert sorted(Registration.objects.values_list("full_name", "status")) == [
        ("Nguyễn Thị Hiền", Status.CONFIRMED),
        ("Trần Văn Bình", Status.CONFIRMED),
    ]


def test_import_one_bad_row_writes_nothing(open_edition, liaison):
    rows = [
        _row(2, email=""),
        _row(3, email="binh@example.vn", unit=current_unit("31")),  # another province
        services.ImportRow(4, problems=[("phone", "Enter a phone number")]),
    ]
    report = services.registrations_import_by_staff(edition=open_edition, actor=liaison, rows=rows)
    assert report.written is False
    assert report.problems == [
        (3, "unit", "You may enter only the delegates of your own province or city."),
        (4, "phone", "Enter a phone number"),
    ]
    assert Registration.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="registration.").count() == 0
    assert Notification.objects.count() == 0


def test_import_over_quota_reported_or_waitlisted(open_edition, liaison):
    rows = [_row(n, email=f"d{n}@example.vn", full_name=f"Đại biểu {n}") for n in (2, 3, 4)]
    report = services.registrations_import_by_staff(edition=open_edition, actor=liaison, rows=rows)
    assert report.problems == [
        (
            4,
            "",
            "The delegation of Hà Nội is full (2 seats): the delegate can only go on the "
            "waiting list.",
        )
    ]
    assert Registration.objects.count() == 0
    report = services.registrations_import_by_staff(
        edition=open_edition, actor=liaison, rows=rows, join_waitlist=True
    )
    assert (report.written, report.confirmed, report.waitlisted) == (True, 2, 1)
    assert sorted(Registration.objects.values_list("email", "status")) == [
        ("d2@example.vn", Status.CONFIRMED),
        ("d3@example.vn", Status.CONFIRMED),
        ("d4@example.vn", Status.WAITLISTED),
    ]


def test_import_same_email_twice_in_file_reported(open_edition, organizer):
    rows = [_row(2, unit=current_unit("31")), _row(3, unit=current_unit("31"))]
    report = services.registrations_import_by_staff(
        edition=open_edition, actor=organizer, rows=rows
    )
    assert report.problems == [
        (3, "email", "This email address already has an active registration for this edition.")
    ]
    assert Registration.objects.count() == 0


def test_import_dry_run_reports_outcome_writes_nothing(open_edition, liaison):
    report = services.registrations_import_by_staff(
        edition=open_edition, actor=liaison, rows=[_row(2, email="")], dry_run=True
    )
    assert (report.written, report.confirmed, report.problems) == (False, 1, [])
    assert Registration.objects.count() == 0


def _import_queries(edition, actor, count):
    rows = [
        _row(n, email="", full_name=f"Đại biểu {n}", unit=current_unit("31"))
        for n in range(2, 2 + count)
    ]
    with CaptureQueriesContext(connection) as queries:
        report = services.registrations_import_by_staff(edition=edition, actor=actor, rows=rows)
    assert report.written
    return len(queries)


def test_import_query_count_grows_by_a_constant_per_row(open_edition, organizer):
    # Once before measuring: the first call also fills the per-process caches (content types).
    services.registrations_import_by_staff(
        edition=open_edition, actor=organizer, rows=[_row(2, email="")], dry_run=True
    )
    one = _import_queries(open_edition, organizer, 1)
    Registration.objects.all().delete()
    AuditEntry.objects.all().delete()
    three = _import_queries(open_edition, organizer, 3)
    Registration.objects.all().delete()
    AuditEntry.objects.all().delete()
    five = _import_queries(open_edition, organizer, 5)  # the edition's capacity
    per_row = (three - one) // 2
    assert (three - one, five - three) == (2 * per_row, 2 * per_row)
    assert per_row == 13  # lock, check, insert, audit, confirm, audit: no per-row lookups
