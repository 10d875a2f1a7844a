import datetime
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from conference.models import AuditEntry, EditionParticipant, Notification, Registration
from conference.notifications.registrations import KINDS
from conference.outbox import notification_deliver, notification_rendered
from conference.services.registrations import (
    Full,
    delegate_register,
    registration_cancel,
    registration_check_in,
    registration_confirm,
    registration_decline,
    registration_erase,
    registration_promote_next,
    registration_send_manage_link,
    registration_update,
    registration_verify_email,
    registrations_confirm,
    registrations_expire_unverified,
    registrations_purge,
    registrations_send_reminders,
)
from tests.emails import prefixed
from tests.factories import (
    ProgrammePartFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
    delegate_data,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status


def register(edition, **overrides):
    """Register through the public form's service, then confirm the address through the link
    (what a real delegate does): the registration then holds a seat or waits."""
    join = overrides.pop("join_waitlist", False)
    registration, created = delegate_register(
        edition=edition, data=delegate_data(**overrides), consent=True, join_waitlist=join
    )
    if created:
        registration = registration_verify_email(registration=registration)
    return registration


def test_delegate_register_creates_unverified_with_audit_and_email(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = delegate_register(
            edition=open_edition, data=delegate_data(email="Hien@Example.VN"), consent=True
        )
    registration.refresh_from_db()
    assert created is True
    assert (registration.status, registration.email, registration.phone) == (
        "unverified",
        "hien@example.vn",
        "+84912345678",
    )
    assert registration.consent_version == "2026-11"
    entry = AuditEntry.objects.get(object_id=str(registration.pk))
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        "registration.create",
        "",
        "unverified",
        None,
    )
    assert [m.to for m in mailoutbox] == [["hien@example.vn"]]
    assert mailoutbox[0].body.startswith("Kính gửi bà Nguyễn Thị Hiền,")
    assert "/registration/manage/" in mailoutbox[0].body
    assert Notification.objects.get().kind == "registration_verify"


# --- Seats only for confirmed addresses (issue 10, defect 4) ------------------------------------


def test_unverified_registrations_hold_no_seat(open_edition):
    """From one address, made-up emails fill nothing: Hà Nội's quota (2) stays free."""
    for n in range(15):
        delegate_register(
            edition=open_edition, data=delegate_data(email=f"gia{n}@example.vn"), consent=True
        )
    assert Registration.objects.filter(status="unverified").count() == 15
    real = register(open_edition, email="that@example.vn")
    assert real.status == "pending"


def test_registration_verify_email_takes_a_seat_or_the_waiting_list(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = delegate_register(
            edition=open_edition, data=delegate_data(email="a@example.vn"), consent=True
        )[0]
        second = delegate_register(
            edition=open_edition, data=delegate_data(email="b@example.vn"), consent=True
        )[0]
        third = delegate_register(
            edition=open_edition, data=delegate_data(email="c@example.vn"), consent=True
        )[0]
        for registration in (first, second, third):
            registration_verify_email(registration=registration)
        registration_verify_email(registration=first)  # a second click changes nothing
    statuses = list(
        Registration.objects.order_by("email").values_list("email", "status", "waitlisted_at")
    )
    assert [(email, status) for email, status, _at in statuses] == [
        ("a@example.vn", "pending"),
        ("b@example.vn", "pending"),
        ("c@example.vn", "waitlisted"),
    ]
    assert statuses[2][2] is not None
    assert [(m.to[0], m.subject) for m in mailoutbox][3:] == [
        (
            "a@example.vn",
            prefixed(open_edition, "Ban Tổ chức đã nhận được đăng ký của Quý đại biểu"),
        ),
        (
            "b@example.vn",
            prefixed(open_edition, "Ban Tổ chức đã nhận được đăng ký của Quý đại biểu"),
        ),
        (
            "c@example.vn",
            prefixed(open_edition, "Đăng ký của Quý đại biểu đang trong danh sách chờ"),
        ),
    ]
    entry = AuditEntry.objects.filter(action="registration.verified").order_by("id").first()
    assert (entry.from_state, entry.to_state, entry.actor_label) == (
        "unverified",
        "pending",
        AuditEntry.DELEGATE,
    )


def test_registrations_expire_unverified_after_the_set_time(open_edition, settings):
    stale = delegate_register(
        edition=open_edition, data=delegate_data(email="cu@example.vn"), consent=True
    )[0]
    fresh = delegate_register(
        edition=open_edition, data=delegate_data(email="moi@example.vn"), consent=True
    )[0]
    confirmed = register(open_edition, email="that@example.vn")
    Registration.objects.filter(pk__in=[stale.pk, confirmed.pk]).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert registrations_expire_unverified() == 1
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        "moi@example.vn",
        "that@example.vn",
    ]
    entry = AuditEntry.objects.get(action="registration.erase")
    assert (entry.object_id, entry.actor_label) == (str(stale.pk), AuditEntry.VERIFICATION_JOB)
    assert fresh.pk in Registration.objects.values_list("pk", flat=True)


def test_delegate_register_without_consent_refused(open_edition):
    with pytest.raises(ValidationError) as error:
        delegate_register(edition=open_edition, data=delegate_data(), consent=False)
    assert error.value.message_dict == {
        "consent": ["Cần có sự đồng ý của Quý đại biểu để xử lý đăng ký."]
    }
    assert Registration.objects.count() == 0


def test_delegate_register_before_window_says_when_it_opens(open_edition):
    open_edition.date = datetime.date(2027, 5, 20)
    open_edition.registration_opens_at = datetime.datetime(2027, 3, 10, 1, 0, tzinfo=datetime.UTC)
    open_edition.registration_closes_at = datetime.datetime(2027, 4, 1, tzinfo=datetime.UTC)
    open_edition.save()
    with pytest.raises(ValidationError) as error, translation.override("en"):
        delegate_register(
            edition=open_edition,
            data=delegate_data(),
            consent=True,
            now=datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC),
        )
    assert error.value.messages == ["Registration opens on 10/03/2027 at 08:00."]
    assert error.value.code == "registration_closed"


def test_delegate_register_unit_not_participating_refused(open_edition):
    with pytest.raises(ValidationError) as error:
        register(open_edition, unit=current_unit("04"))
    assert list(error.value.message_dict) == ["unit"]


def test_delegate_register_department_without_unit_refused(open_edition):
    with pytest.raises(ValidationError) as error:
        register(open_edition, unit=None)
    assert list(error.value.message_dict) == ["unit"]


def test_delegate_register_guest_without_unit_counts_against_capacity(open_edition):
    registration = register(open_edition, unit=None, organisation_kind="guest")
    assert (registration.unit, registration.status) == (None, "pending")


def test_delegate_register_bad_phone_refused_nothing_saved(open_edition):
    with pytest.raises(ValidationError) as error:
        register(open_edition, phone="0123")
    assert list(error.value.message_dict) == ["phone"]
    assert Registration.objects.count() == 0


def test_delegate_register_quota_full_refused_then_waitlisted(open_edition):
    register(open_edition, email="a@example.vn")
    register(open_edition, email="b@example.vn")
    with pytest.raises(Full) as error:
        register(open_edition, email="c@example.vn")
    assert error.value.code == "quota_full"
    waiting = register(open_edition, email="c@example.vn", join_waitlist=True)
    assert (waiting.status, waiting.waitlisted_at is not None) == ("waitlisted", True)
    # Hải Phòng has no quota: still room in the edition
    assert register(open_edition, email="d@example.vn", unit=current_unit("31")).status == "pending"


def test_delegate_register_capacity_full(open_edition):
    for n in range(5):
        register(open_edition, email=f"p{n}@example.vn", unit=current_unit("31"))
    with pytest.raises(Full) as error:
        register(open_edition, email="late@example.vn", unit=current_unit("31"))
    assert error.value.code == "capacity_full"


def test_delegate_register_duplicate_email_sends_link_creates_nothing(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    first = register(open_edition, email="hien@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        again, created = delegate_register(
            edition=open_edition,
            data=delegate_data(email="HIEN@example.vn", full_name="Someone Else"),
            consent=True,
        )
    assert (again, created) == (first, False)
    assert Registration.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["hien@example.vn"]]
    assert "Nguyễn Thị Hiền" in mailoutbox[0].body


def test_registration_confirm_pending(open_edition, mailoutbox, django_capture_on_commit_callbacks):
    registration = register(open_edition)
    organizer = UserFactory(roles=["organizer"])
    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration=registration, actor=organizer, reason="OK")
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    entry = AuditEntry.objects.filter(object_id=str(registration.pk)).first()
    assert (entry.actor, entry.from_state, entry.to_state, entry.reason) == (
        organizer,
        "pending",
        "confirmed",
        "OK",
    )
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("status", ["declined", "cancelled", "confirmed", "waitlisted"])
def test_registration_confirm_refused_unless_pending(status, open_edition):
    registration = RegistrationFactory(edition=open_edition, status=status)
    with pytest.raises(ValidationError) as error:
        registration_confirm(registration=registration, actor=None)
    assert error.value.code == "invalid_transition"
    registration.refresh_from_db()
    assert registration.status == status


def test_registration_decline_promotes_next_of_same_unit(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    a = register(open_edition, email="a@example.vn")
    register(open_edition, email="b@example.vn")
    waiting = register(open_edition, email="c@example.vn", join_waitlist=True)
    later = register(open_edition, email="d@example.vn", join_waitlist=True)
    declined_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        registration_decline(registration=a, actor=UserFactory(), reason="Không đúng thành phần")
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert (waiting.status, later.status) == ("pending", "waitlisted")
    sent = Notification.objects.filter(created_at__gte=declined_at).order_by("recipient")
    assert [(n.recipient, n.kind) for n in sent] == [
        ("a@example.vn", "registration_declined"),
        ("c@example.vn", "registration_promoted"),
    ]
    with translation.override("vi"):
        subjects = {
            "a@example.vn": prefixed(open_edition, str(KINDS["registration_declined"])),
            "c@example.vn": prefixed(open_edition, str(KINDS["registration_promoted"])),
        }
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted(subjects.items())
    assert "Không đúng thành phần" in next(m for m in mailoutbox if m.to == ["a@example.vn"]).body


def test_registration_cancel_of_other_unit_does_not_promote_quota_waiter(open_edition):
    register(open_edition, email="a@example.vn")
    register(open_edition, email="b@example.vn")
    waiting = register(open_edition, email="c@example.vn", join_waitlist=True)
    other = register(open_edition, email="hp@example.vn", unit=current_unit("31"))
    registration_cancel(registration=other)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_registration_promote_next_fifo_on_capacity(open_edition):
    seats = [
        register(open_edition, email=f"p{n}@example.vn", unit=current_unit("31")) for n in range(5)
    ]
    first = register(
        open_edition, email="w1@example.vn", unit=current_unit("31"), join_waitlist=True
    )
    second = register(
        open_edition, email="w2@example.vn", unit=current_unit("31"), join_waitlist=True
    )
    registration_cancel(registration=seats[0])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("pending", "waitlisted")


def test_registration_promote_next_after_quota_raised(open_edition):
    register(open_edition, email="a@example.vn")
    register(open_edition, email="b@example.vn")
    waiting = register(open_edition, email="c@example.vn", join_waitlist=True)
    EditionParticipant.objects.filter(edition=open_edition, unit__code="01").update(quota=3)
    assert registration_promote_next(edition=open_edition) == [waiting]


def test_registration_cancel_waitlisted_frees_nothing(open_edition):
    register(open_edition, email="a@example.vn")
    register(open_edition, email="b@example.vn")
    waiting = register(open_edition, email="c@example.vn", join_waitlist=True)
    behind = register(open_edition, email="d@example.vn", join_waitlist=True)
    # A seat is free for Hà Nội now, but nobody ran the promotion: cancelling a waiting
    # registration frees no seat, so it must not be the moment ``behind`` moves up.
    EditionParticipant.objects.filter(edition=open_edition, unit__code="01").update(quota=3)
    registration_cancel(registration=waiting)
    waiting.refresh_from_db()
    behind.refresh_from_db()
    assert (waiting.status, behind.status) == ("cancelled", "waitlisted")
    assert not AuditEntry.objects.filter(action="registration.pending").exists()


@pytest.mark.parametrize("status", ["declined", "cancelled", "checked_in"])
def test_registration_cancel_refused_from_final_states(status, open_edition):
    registration = RegistrationFactory(edition=open_edition, status=status)
    with pytest.raises(ValidationError):
        registration_cancel(registration=registration)


def test_registration_cancel_by_delegate_after_edition_refused(open_edition):
    registration = register(open_edition)
    after = timezone.make_aware(
        datetime.datetime.combine(open_edition.date + datetime.timedelta(days=1), datetime.time(9))
    )
    with pytest.raises(ValidationError) as error:
        registration_cancel(registration=registration, now=after)
    assert error.value.code == "cancel_closed"


def test_registration_update_changes_fields_and_audits(open_edition):
    registration = register(open_edition)
    registration_update(
        registration=registration,
        data={"full_name": "Nguyễn  Thị   Hiền Anh", "phone": "024 3825 1234", "unit": None},
    )
    registration.refresh_from_db()
    assert (registration.full_name, registration.phone, registration.unit.code) == (
        "Nguyễn Thị Hiền Anh",
        "+842438251234",
        "01",
    )
    entry = AuditEntry.objects.filter(action="registration.update").get()
    assert entry.data == {"fields": ["full_name", "phone"]}


def test_registration_update_after_deadline_refused(open_edition):
    registration = register(open_edition)
    open_edition.changes_until = timezone.now() - datetime.timedelta(minutes=1)
    open_edition.save()
    registration.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        registration_update(registration=registration, data={"full_name": "Khác"})
    assert error.value.code == "changes_closed"


def test_registration_update_parts_required_when_several(open_edition):
    plenary = ProgrammePartFactory(edition=open_edition, title="Phiên toàn thể")
    visit = ProgrammePartFactory(edition=open_edition, title="Tham quan")
    registration, _ = delegate_register(
        edition=open_edition, data=delegate_data(), parts=[plenary], consent=True
    )
    assert list(registration.parts.all()) == [plenary]
    with pytest.raises(ValidationError) as error:
        registration_update(registration=registration, data={}, parts=[])
    assert list(error.value.message_dict) == ["parts"]
    registration_update(registration=registration, data={}, parts=[plenary, visit])
    assert set(registration.parts.all()) == {plenary, visit}


def test_registration_check_in_once_then_already(open_edition):
    registration = RegistrationFactory(edition=open_edition, status="confirmed")
    staff = UserFactory(is_staff=True)
    code = registration.badge_code
    first, already = registration_check_in(
        badge_code=f" {code[:5]}-{code[5:].lower()} ", actor=staff
    )
    assert (first.status, already) == ("checked_in", False)
    second, already = registration_check_in(badge_code=code, actor=staff)
    assert (already, second.checked_in_at) == (True, first.checked_in_at)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("cancelled", "refused_cancelled"),
        ("pending", "refused_pending"),
        ("declined", "refused_declined"),
        ("waitlisted", "refused_waitlisted"),
    ],
)
def test_registration_check_in_refused(status, code, open_edition):
    registration = RegistrationFactory(edition=open_edition, status=status)
    with pytest.raises(ValidationError) as error:
        registration_check_in(badge_code=registration.badge_code, actor=None)
    assert error.value.code == code


def test_registration_check_in_unknown_code():
    with pytest.raises(ValidationError) as error, translation.override("en"):
        registration_check_in(badge_code="zzzz zzzzzz", actor=None)
    assert error.value.messages == ["No registration has the code ZZZZZZZZZZ."]
    assert error.value.code == "unknown_code"


def test_registrations_confirm_bulk_reports_refusals(open_edition):
    ok = register(open_edition, email="a@example.vn")
    cancelled = RegistrationFactory(
        edition=open_edition, status="cancelled", full_name="Lê Văn Hủy"
    )
    done, errors = registrations_confirm(registrations=[ok, cancelled], actor=None)
    assert done == 1
    assert len(errors) == 1 and errors[0].startswith("Lê Văn Hủy: ")


def test_registration_send_manage_link_silent_for_unknown(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration_send_manage_link(edition=open_edition, email="nobody@example.vn")
    assert mailoutbox == []


def test_registration_send_manage_link_of_cancelled(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(
        edition=open_edition, status="cancelled", email="x@example.vn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration_send_manage_link(edition=open_edition, email="X@example.vn")
    assert [m.to for m in mailoutbox] == [["x@example.vn"]]
    assert registration.badge_code in mailoutbox[0].body


def test_registrations_send_reminders_day_before_once(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed = RegistrationFactory(edition=open_edition, status="confirmed", language="en")
    RegistrationFactory(edition=open_edition, status="pending")
    RegistrationFactory(edition=open_edition, status="cancelled")
    day_before = open_edition.date - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert registrations_send_reminders(today=day_before - datetime.timedelta(days=1)) == 0
        assert registrations_send_reminders(today=day_before) == 1
        assert registrations_send_reminders(today=day_before) == 0
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([confirmed.email], prefixed(open_edition, "See you tomorrow at the conference", "en"))
    ]


def test_reminder_job_is_scheduled():
    from django.conf import settings

    job = settings.CELERY_BEAT_SCHEDULE["registration-reminders"]
    assert job["task"] == "conference.send_registration_reminders"


def test_registration_erase_deletes_row_and_emails_promotes_next(
    open_edition, django_capture_on_commit_callbacks
):
    from conference.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        a = register(open_edition, email="a@example.vn")
        register(open_edition, email="b@example.vn")
        waiting = register(open_edition, email="c@example.vn", join_waitlist=True)
    # The email asking to confirm the address, then "received".
    assert Notification.objects.filter(recipient="a@example.vn").count() == 2
    registration_erase(registration=a)
    assert not Registration.objects.filter(pk=a.pk).exists()
    assert Notification.objects.filter(recipient="a@example.vn").count() == 0
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    entry = AuditEntry.objects.get(action="registration.erase")
    assert (entry.object_id, entry.from_state, entry.data) == (
        str(a.pk),
        "cancelled",
        {"edition": open_edition.number},
    )


def test_registrations_purge_one_year_after_the_edition(open_edition):
    old = RegistrationFactory(edition=open_edition, status="checked_in")
    assert registrations_purge(today=open_edition.date + datetime.timedelta(days=365)) == 0
    assert registrations_purge(today=open_edition.date + datetime.timedelta(days=366)) == 1
    assert not Registration.objects.filter(pk=old.pk).exists()
    entry = AuditEntry.objects.get(action="registration.erase")
    assert (entry.actor_label, entry.actor_display) == (
        "system:retention_job",
        "tác vụ lưu trữ (xóa sau một năm kể từ kỳ hội nghị)",
    )


# --- only a province's own delegates belong to its delegation --------------------------------


@pytest.mark.parametrize("kind", ["ministry", "enterprise", "press", "guest"])
def test_delegate_register_other_kind_with_unit_refused(open_edition, kind):
    with pytest.raises(ValidationError) as error:
        register(open_edition, organisation_kind=kind)
    assert error.value.message_dict == {
        "unit": [
            "Chỉ đại biểu của Sở Công Thương hoặc cơ quan khác của tỉnh, thành phố mới chọn "
            "tỉnh, thành phố; Quý đại biểu vui lòng để trống mục này."
        ]
    }
    assert Registration.objects.count() == 0


def test_delegate_register_press_does_not_use_quota(open_edition):
    # Hà Nội's quota is 2: the press and guests never take its seats.
    register(open_edition, email="press@example.vn", unit=None, organisation_kind="press")
    register(open_edition, email="guest@example.vn", unit=None, organisation_kind="guest")
    first = register(open_edition, email="a@example.vn")
    second = register(open_edition, email="b@example.vn")
    assert (first.status, second.status) == ("pending", "pending")


def test_registration_unit_for_other_kind_refused_by_database(open_edition):
    registration = RegistrationFactory(edition=open_edition)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(organisation_kind="press")


@pytest.mark.postgres
def test_delegate_register_longest_name_on_postgresql(open_edition):
    # The longest full name, with a long given name: its sort key is about 870 digits.
    name = ("Nguyễn Thị " + "Thanh" * 30)[:150]
    registration = register(open_edition, full_name=name)
    user = UserFactory(full_name=name, username="u" * 150)
    registration.refresh_from_db()
    user.refresh_from_db()
    assert (len(registration.full_name), len(user.full_name)) == (150, 150)
    assert len(registration.sort_key) > 800
    assert list(Registration.objects.search("nguyen thanh")) == [registration]


@pytest.mark.postgres
def test_registration_promote_next_locks_participants_not_units(open_edition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        registration_promote_next(edition=open_edition)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    participant_locks = [sql for sql in locking if "conference_editionparticipant" in sql]
    assert [sql[sql.index("FOR UPDATE") :] for sql in participant_locks] == [
        'FOR UPDATE OF "conference_editionparticipant"'
    ]


def test_manage_link_at_most_one_email_per_address_per_hour(open_edition):
    from conference.models import Notification

    registration = register(open_edition, email="a@example.vn")
    at = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=2)
    for minutes in (1, 20, 59):
        registration_send_manage_link(
            edition=open_edition,
            email="A@example.vn",
            now=at + datetime.timedelta(minutes=minutes),
        )
    # The public form with the same address in the same hour: no further email either.
    existing, created = delegate_register(
        edition=open_edition,
        data=delegate_data(email="a@example.vn"),
        consent=True,
        now=at + datetime.timedelta(minutes=30),
    )
    assert (existing, created) == (registration, False)
    registration_send_manage_link(
        edition=open_edition, email="a@example.vn", now=at + datetime.timedelta(minutes=61)
    )
    links = Notification.objects.filter(kind="registration_manage_link").order_by("id")
    assert [(n.recipient, n.event_key) for n in links] == [
        ("a@example.vn", f"registration_manage_link:{registration.pk}:pending:hour:{hour}")
        for hour in (f"{at:%Y-%m-%dT%H}", f"{at + datetime.timedelta(hours=1):%Y-%m-%dT%H}")
    ]


def _link_part(body: str) -> list[str]:
    """The lines of a plain-text email from the badge code to the signature."""
    lines = body.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Badge code:")) + 1
    end = lines.index("The Organizing Committee")
    return [line for line in lines[start:end] if line]


def test_emails_about_a_closed_registration_offer_to_view_it_only(open_edition):
    open_edition.changes_until = datetime.datetime(2030, 2, 10, 3, 0, tzinfo=datetime.UTC)
    open_edition.save()
    declined = RegistrationFactory(edition=open_edition, language="en")
    cancelled = RegistrationFactory(edition=open_edition, language="en")
    registration_decline(registration=declined, actor=UserFactory(), reason="No seat left")
    registration_cancel(registration=cancelled)
    emails = {  # as they will be sent (the delivery task renders them)
        n.kind: notification_rendered(n)
        for n in Notification.objects.filter(
            kind__in=["registration_declined", "registration_cancelled"]
        )
    }
    bodies = {kind: (email.body_text, email.body_html) for kind, email in emails.items()}
    for kind in ["registration_declined", "registration_cancelled"]:
        text, html = bodies[kind]
        link = [line for line in _link_part(text) if "/registration/manage/" not in line]
        assert link == ["View your registration (keep this link to yourself):"]
        assert (
            "View your registration</a>" in html,
            "change or cancel" in html,
            "Changes are possible" in html,
        ) == (True, False, False)


def test_emails_about_an_active_registration_offer_changes_until_the_deadline(open_edition):
    open_edition.changes_until = datetime.datetime(2030, 2, 10, 3, 0, tzinfo=datetime.UTC)
    open_edition.save()
    registration = register(open_edition, language="en")
    email = notification_rendered(
        Notification.objects.get(kind="registration_received", recipient=registration.email)
    )
    link = [line for line in _link_part(email.body_text) if "/registration/manage/" not in line]
    assert link == [
        "View, change or cancel your registration (keep this link to yourself):",
        "Changes are possible until 10/02/2030 at 10:00.",
    ]


HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def test_emails_show_a_midnight_deadline_as_the_end_of_the_day_before(open_edition):
    open_edition.changes_until = datetime.datetime(2030, 2, 10, 0, 0, tzinfo=HANOI)
    open_edition.save()
    registration = register(open_edition, language="en")
    email = notification_rendered(
        Notification.objects.get(kind="registration_received", recipient=registration.email)
    )
    assert _link_part(email.body_text)[-1] == "Changes are possible until the end of 09/02/2030."
    assert "Changes are possible until the end of 09/02/2030." in email.body_html


def test_delegate_register_email_is_rendered_by_the_task_and_says_what_was_true_then(
    open_edition, mailoutbox
):
    registration = register(open_edition, language="en", full_name="Trần Thị Lan")
    queued = Notification.objects.get(kind="registration_verify")
    assert (queued.body_text, queued.context["full_name"]) == ("", "Trần Thị Lan")
    # Corrected after the email was queued: it still says what was true when it was queued.
    Registration.objects.filter(pk=registration.pk).update(full_name="Trần Thị Phương Lan")

    assert notification_deliver(notification_id=queued.pk, token="t1") == "sent"

    queued.refresh_from_db()
    (sent,) = mailoutbox
    assert ("Trần Thị Lan" in sent.body, "Phương" in sent.body) == (True, False)
    assert sent.body.replace(f"/registration/manage/{_token_in(sent.body)}/", "/~token~/") == (
        queued.body_text.replace("/registration/manage/~token~/", "/~token~/")
    )


def _token_in(body: str) -> str:
    return re.search(r"/registration/manage/([^/\s]+)/", body).group(1)
