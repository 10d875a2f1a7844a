import datetime
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conference.models import AgendaItem, Edition, EditionParticipant, User
from conference.permissions import can, department_of, roles
from provinces.models import DepartmentMember
from tests.factories import EditionFactory, UserFactory, current_unit
from tests.html import texts

pytestmark = pytest.mark.django_db


ACCOUNTS = {
    "admin": "admin-demo-2024",
    "organizer": "organizer-demo-2024",
    "reviewer": "reviewer-demo-2024",
    "liaison": "liaison-demo-2024",
    "staff": "staff-demo-2024",
}


def run_demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def test_demo_data_creates_an_upcoming_sample_edition_with_registration_open():
    run_demo_data()

    edition = Edition.objects.get(number=12)
    date = timezone.localdate() + datetime.timedelta(days=75)
    assert edition.is_demo is True
    assert (edition.date, edition.year) == (date, date.year)
    assert edition.host == current_unit("25")
    assert edition.venue == "Trung tâm Hội nghị (dữ liệu mẫu)"
    assert edition.capacity == 300
    assert edition.registration_is_open() is True
    assert edition.phase == Edition.Phase.REGISTRATION_OPEN
    # Deadlines at 17:00 local time, never at an ambiguous midnight.
    assert [
        timezone.localtime(edition.registration_closes_at).replace(tzinfo=None),
        timezone.localtime(edition.changes_until).replace(tzinfo=None),
    ] == [
        datetime.datetime.combine(date - datetime.timedelta(days=8), datetime.time(17, 0)),
        datetime.datetime.combine(date - datetime.timedelta(days=4), datetime.time(17, 0)),
    ]
    participants = EditionParticipant.objects.filter(edition=edition)
    assert participants.count() == 18
    assert set(participants.values_list("quota", flat=True)) == {15}
    assert {p.unit.code for p in participants} == {
        "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33",
        "37", "38", "40", "42",
    }  # fmt: skip
    agenda = list(AgendaItem.objects.filter(edition=edition).order_by("order"))
    assert [(item.starts_at, item.kind) for item in agenda] == [
        (datetime.time(8, 0), "opening"),
        (datetime.time(8, 30), "report"),
        (datetime.time(9, 15), "paper"),
        (datetime.time(10, 45), "discussion"),
        (datetime.time(11, 30), "handover"),
        (datetime.time(11, 45), "closing"),
    ]


def test_demo_data_creates_one_account_per_role_with_the_printed_passwords():
    output = run_demo_data()

    for username, password in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert username in output and password in output
    admin, organizer, reviewer, liaison, staff = (
        User.objects.get(username=name) for name in ACCOUNTS
    )
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    # Organizers work in the admin too, with their group's permissions only.
    assert roles(organizer) == {"organizer", "staff"}
    assert can(organizer, "edition.manage") is True
    assert (organizer.is_staff, organizer.is_superuser) == (True, False)
    assert organizer.has_perm("conference.change_editionparticipant") is True
    assert organizer.has_perm("conference.view_notification") is True
    assert organizer.has_perm("conference.change_user") is False
    assert roles(reviewer) == {"reviewer"}
    assert can(reviewer, "proposal.review") is True
    assert can(reviewer, "edition.manage") is False
    assert roles(liaison) == {"liaison"}
    assert department_of(liaison).name == "Sở Công Thương Hà Nội"
    assert department_of(liaison).unit == current_unit("01")
    assert can(liaison, "delegation.manage", current_unit("01")) is True
    assert can(liaison, "delegation.manage", current_unit("22")) is False
    assert (staff.is_staff, staff.is_superuser) == (True, False)
    assert staff.has_perm("conference.change_edition") is True
    assert staff.has_perm("provinces.change_department") is True
    assert staff.has_perm("conference.view_user") is True
    assert staff.has_perm("conference.change_user") is False
    # The README: the delivery log only with its permission, which the demo staff lacks.
    assert staff.has_perm("conference.view_notification") is False
    assert "Đăng nhập tại http://127.0.0.1:8000/accounts/login/" in output


def test_demo_data_run_twice_changes_nothing_more():
    run_demo_data()
    counts = (
        Edition.objects.count(),
        EditionParticipant.objects.count(),
        AgendaItem.objects.count(),
        User.objects.count(),
        DepartmentMember.objects.count(),
    )

    output = run_demo_data()

    assert (
        Edition.objects.count(),
        EditionParticipant.objects.count(),
        AgendaItem.objects.count(),
        User.objects.count(),
        DepartmentMember.objects.count(),
    ) == counts
    assert "Đã cập nhật hội nghị mẫu lần thứ XII" in output
    assert User.objects.get(username="organizer").check_password("organizer-demo-2024")


def test_demo_data_leaves_a_real_edition_xii_alone():
    real = EditionFactory(number=12, year=2026, date=None, host=None, venue="")

    output = run_demo_data()

    assert "Hội nghị lần thứ XII đã có và là dữ liệu thật: không tạo kỳ hội nghị mẫu." in output
    real.refresh_from_db()
    assert (real.is_demo, real.venue, real.capacity) == (False, "", None)
    assert EditionParticipant.objects.filter(edition=real).count() == 0
    assert User.objects.filter(username="organizer").exists()


def test_demo_data_leaves_a_real_account_of_the_same_name_alone():
    UserFactory(username="admin", email="quan.tri@sct.hanoi.gov.vn", is_superuser=False)

    output = run_demo_data()

    admin = User.objects.get(username="admin")
    assert admin.check_password("mat-khau-an-toan-2024")
    assert admin.is_superuser is False
    assert "Tài khoản admin đã có và không phải tài khoản mẫu" in output
    assert "admin-demo-2024" not in output


def test_pages_showing_the_demo_data_say_so(client):
    run_demo_data()

    for url in ["/en/", "/en/editions/", "/en/editions/12/", "/en/provinces/?edition=12"]:
        assert texts(client.get(url), "demo-banner") == [
            "Sample data. This page shows demonstration data, not a real edition of the conference."
        ], url
    assert texts(client.get("/en/editions/10/"), "demo-banner") == []
    assert texts(client.get("/en/provinces/"), "demo-banner") == []


def test_demo_data_has_staff_entered_delegates_without_email_once():
    run_demo_data()
    run_demo_data()
    from conference.models import AuditEntry, Registration

    # (the sample message's three delegates have an address)
    delegates = Registration.objects.filter(edition__number=12, email="").order_by("full_name")
    assert [
        (r.full_name, r.email, r.status, r.phone_display, r.unit and r.unit.code) for r in delegates
    ] == [
        ("Claire Martin (sample data)", "", "confirmed", "+33 1 23 45 67 89", None),
        ("Phạm Văn Thành (dữ liệu mẫu)", "", "confirmed", "024 3825 1234 máy lẻ 12", "01"),
    ]
    assert sorted(
        AuditEntry.objects.filter(action="registration.staff_entry").values_list(
            "actor__username", flat=True
        )
    ) == ["liaison", "organizer"]


def test_demo_data_has_checked_in_delegates_for_the_desk_once():
    run_demo_data()
    run_demo_data()
    from conference import badges
    from conference.models import Registration

    delegates = Registration.objects.filter(
        edition__number=12, email__endswith="@demo.example.com"
    ).exclude(email__startswith="daibieu-mau-")  # the sample message's delegates
    assert sorted(delegates.values_list("status", flat=True)) == [
        "checked_in", "checked_in", "checked_in",
        "confirmed", "confirmed", "confirmed", "confirmed",
        "pending",
    ]  # fmt: skip
    assert all(r.checked_in_at for r in delegates.filter(status="checked_in"))
    edition = Edition.objects.get(number=12)
    assert [r.full_name for r in badges.cut_names(edition)] == [
        "Công Tằng Tôn Nữ Thị Bảo Ngọc Hoàng Phương Anh Kim Chi"
    ]


def test_demo_data_logs_no_warning_on_the_embedded_default(
    caplog, settings, django_capture_on_commit_callbacks
):
    """`make run` without a broker: the in-process tasks (sent after commit) take the in-memory
    transport, so nothing warns about a missing AMQP host (kombu's "No hostname was
    supplied")."""
    assert settings.CELERY_BROKER_URL == ""
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        run_demo_data()

    assert [record.getMessage() for record in caplog.records] == []
