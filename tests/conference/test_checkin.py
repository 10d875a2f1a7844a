import datetime
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from conference.models import AuditEntry, Registration
from conference.services.venue import venue_check_in
from provinces.models import Department
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    LiaisonFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
)
from tests.html import texts

pytestmark = pytest.mark.django_db

Status = Registration.Status
FIRST_SCAN = datetime.datetime(2024, 5, 17, 1, 42, tzinfo=datetime.UTC)  # 08:42 in Hà Nội


@pytest.fixture
def edition():
    """An edition held today: the desk checks in without asking (see the outside-days tests)."""
    today = timezone.localdate()
    edition = EditionFactory(number=30, year=today.year, date=today)
    EditionParticipantFactory(edition=edition, unit=current_unit("01"))
    return edition


@pytest.fixture
def staff():
    return UserFactory(username="le-tan", full_name="Lê Tân", is_staff=True)


def desk_url(edition, lang="en"):
    with translation.override(lang):
        return reverse("conference:checkin", args=[edition.number])


def delegate(edition, status=Status.CONFIRMED, **kwargs):
    defaults = {
        "full_name": "Nguyễn Thị Hiền",
        "salutation": Registration.Salutation.MS,
        "position": "Giám đốc Sở",
        "badge_code": "7K3M9QXD2P",
    }
    return RegistrationFactory(edition=edition, status=status, **{**defaults, **kwargs})


def scan(client, edition, code, lang="en"):
    """POST the code, follow the redirect; the answer shown on the page."""
    response = client.post(desk_url(edition, lang), {"code": code})
    assert (response.status_code, response["Location"]) == (302, desk_url(edition, lang))
    page = client.get(desk_url(edition, lang))
    assert page.status_code == 200
    return page


def audit_of(registration):
    return list(
        AuditEntry.objects.filter(object_id=str(registration.pk)).values_list(
            "action", "actor_label", "from_state", "to_state"
        )
    )


# --- answers --------------------------------------------------------------------------------------


def test_checkin_confirmed_delegate_is_checked_in(client, edition, staff):
    registration = delegate(edition)
    client.force_login(staff)
    before = timezone.now()
    page = scan(client, edition, "7K3M9QXD2P")
    assert page.context["result"] == {
        "outcome": "checked_in",
        "headline": "Checked in: Ms Nguyễn Thị Hiền, Hà Nội",
        "person": "",
        "detail": "Giám đốc Sở",
        "code": "7K3M9QXD2P",
        "registration_id": registration.pk,
    }
    assert "Checked in: Ms Nguyễn Thị Hiền, Hà Nội" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CHECKED_IN
    assert before <= registration.checked_in_at <= timezone.now()
    assert audit_of(registration) == [
        ("registration.checked_in", "Lê Tân", "confirmed", "checked_in")
    ]
    assert page.context["counts"] == {"checked_in": 1, "expected": 1}


def test_checkin_code_typed_loosely_is_normalised(client, edition, staff):
    registration = delegate(edition)
    client.force_login(staff)
    page = scan(client, edition, "  7k3m9-qxd2p ")
    assert page.context["result"]["outcome"] == "checked_in"
    registration.refresh_from_db()
    assert registration.status == Status.CHECKED_IN


def test_checkin_second_scan_says_when(client, edition, staff):
    registration = delegate(edition, status=Status.CHECKED_IN, checked_in_at=FIRST_SCAN)
    client.force_login(staff)
    page = scan(client, edition, "7K3M9QXD2P")
    assert page.context["result"] == {
        "outcome": "already",
        "headline": "Already checked in at 08:42 17/05/2024",
        "person": "Ms Nguyễn Thị Hiền, Hà Nội",
        "detail": "",
        "code": "7K3M9QXD2P",
        "registration_id": registration.pk,
    }
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at) == (Status.CHECKED_IN, FIRST_SCAN)
    assert audit_of(registration) == []


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (
            Status.PENDING,
            "This registration has not been confirmed by the province or the organizers yet.",
        ),
        (Status.WAITLISTED, "This delegate is on the waiting list, without a seat."),
        (Status.CANCELLED, "This registration was cancelled."),
        (Status.DECLINED, "This registration was declined."),
    ],
)
def test_checkin_without_confirmed_seat_is_refused(client, edition, staff, status, why):
    registration = delegate(edition, status=status)
    client.force_login(staff)
    page = scan(client, edition, "7K3M9QXD2P")
    assert page.context["result"] == {
        "outcome": "refused",
        "headline": "Not checked in",
        "person": "Ms Nguyễn Thị Hiền, Hà Nội",
        "detail": why,
        "code": "7K3M9QXD2P",
        "registration_id": registration.pk,
    }
    assert why in page.content.decode()
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at) == (status, None)
    assert audit_of(registration) == []


def test_checkin_unknown_code_is_refused(client, edition, staff):
    client.force_login(staff)
    page = scan(client, edition, "ZZZZZ-ZZZZZ")
    assert page.context["result"] == {
        "outcome": "refused",
        "headline": "Not checked in",
        "person": "",
        "detail": "No registration has the code ZZZZZZZZZZ.",
        "code": "ZZZZZZZZZZ",
        "registration_id": None,
    }
    assert AuditEntry.objects.count() == 0


def test_checkin_empty_code_asks_for_one(client, edition, staff):
    client.force_login(staff)
    page = scan(client, edition, "   ")
    assert page.context["result"] == {
        "outcome": "refused",
        "headline": "Type or scan the code on the badge.",
        "person": "",
        "detail": "",
        "code": "",
        "registration_id": None,
    }


def test_checkin_badge_of_another_edition_is_refused_and_nothing_changes(client, edition, staff):
    other = EditionFactory(number=31, year=2027)
    registration = delegate(other)
    client.force_login(staff)
    page = scan(client, edition, "7K3M9QXD2P")
    assert page.context["result"] == {
        "outcome": "refused",
        "headline": "Not checked in",
        "person": "Ms Nguyễn Thị Hiền, Hà Nội",
        "detail": "This badge is for another edition: Edition XXXI (2027).",
        "code": "7K3M9QXD2P",
        "registration_id": registration.pk,
    }
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at) == (Status.CONFIRMED, None)
    assert audit_of(registration) == []


def test_checkin_answer_is_shown_once(client, edition, staff):
    delegate(edition)
    client.force_login(staff)
    scan(client, edition, "7K3M9QXD2P")
    assert client.get(desk_url(edition)).context["result"] is None


def test_checkin_page_keeps_focus_on_the_field(client, edition, staff):
    client.force_login(staff)
    html = client.get(desk_url(edition)).content.decode()
    assert html.count("autofocus") == 1
    assert 'name="code"' in html


def test_checkin_counts_confirmed_and_checked_in(client, edition, staff):
    delegate(edition, badge_code="AAAAA22222")
    delegate(edition, status=Status.CHECKED_IN, checked_in_at=FIRST_SCAN, badge_code="BBBBB22222")
    delegate(edition, status=Status.PENDING, badge_code="CCCCC22222")
    delegate(edition, status=Status.CANCELLED, badge_code="DDDDD22222")
    client.force_login(staff)
    page = client.get(desk_url(edition))
    assert page.context["counts"] == {"checked_in": 1, "expected": 2}
    assert "Checked in: <strong>1</strong> / 2 confirmed" in page.content.decode()


def test_checkin_service_vietnamese_message(edition, staff):
    delegate(edition, status=Status.CHECKED_IN, checked_in_at=FIRST_SCAN)
    with translation.override("vi"):
        result = venue_check_in(edition=edition, badge_code="7K3M9QXD2P", actor=staff)
    assert result.outcome == "already"
    assert "08:42 17/05/2024" in result.headline


# --- who may use the desk -------------------------------------------------------------------------


def test_checkin_anonymous_is_sent_to_login(client, edition):
    path = desk_url(edition)
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (
        302,
        f"{'/en' if path.startswith('/en/') else ''}/accounts/login/?next={quote(path)}",
    )
    delegate(edition)
    client.post(path, {"code": "7K3M9QXD2P"})
    assert Registration.objects.get().status == Status.CONFIRMED


def test_checkin_liaison_is_refused(client, edition):
    registration = delegate(edition)
    client.force_login(LiaisonFactory(department=Department.objects.get(unit=current_unit("01"))))
    assert client.get(desk_url(edition)).status_code == 403
    assert client.post(desk_url(edition), {"code": "7K3M9QXD2P"}).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_checkin_organizer_may_check_in(client, edition):
    delegate(edition)
    client.force_login(UserFactory(roles=["organizer"]))
    assert scan(client, edition, "7K3M9QXD2P").context["result"]["outcome"] == "checked_in"


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 8])
def test_checkin_page_query_count(client, edition, staff, count, django_assert_num_queries):
    for index in range(count):
        delegate(
            edition,
            status=Status.CHECKED_IN,
            checked_in_at=FIRST_SCAN,
            badge_code=f"{index:02d}ABCDEFGH".replace("0", "Z").replace("1", "Y"),
            email=f"d{index}@example.vn",
        )
    client.force_login(staff)
    client.get(desk_url(edition))
    # session, user with their department, groups, edition, last checked in, session save (the
    # counts are kept until a registration of the edition changes: conference.seat_counts)
    with django_assert_num_queries(5):
        page = client.get(desk_url(edition))
    assert len(page.context["recent"]) == min(count, 5)


@pytest.mark.parametrize("count", [1, 8])
def test_checkin_scan_query_count(client, edition, staff, count, django_assert_num_queries):
    for index in range(count):
        delegate(
            edition,
            badge_code=f"{index:02d}ABCDEFGH".replace("0", "Z").replace("1", "Y"),
            email=f"d{index}@example.vn",
        )
    client.force_login(staff)
    client.get(desk_url(edition))
    ContentType.objects.get_for_model(Registration)  # cached per process, as in production
    # session, user with their department, edition, groups, savepoints, lock and read, update,
    # audit, session save
    with django_assert_num_queries(14):
        client.post(desk_url(edition), {"code": "ZZABCDEFGH"})
    assert Registration.objects.get(badge_code="ZZABCDEFGH").status == Status.CHECKED_IN


# --- search by name or phone ----------------------------------------------------------------------


def search(client, edition, text, lang="en"):
    """POST a name or phone as typed in the desk's field; follow to the list of matches."""
    response = client.post(desk_url(edition, lang), {"code": text})
    assert (response.status_code, response["Location"]) == (
        302,
        f"{desk_url(edition, lang)}?q={quote(text).replace('%20', '+')}",
    )
    return client.get(response["Location"])


def test_checkin_name_without_accents_lists_the_delegates_who_match(client, edition, staff):
    hien = delegate(edition)
    hieu = delegate(
        edition, full_name="Nguyễn Thị Hiếu", badge_code="22222AAAAA", email="hieu@example.vn"
    )
    delegate(edition, full_name="Trần Văn Minh", badge_code="33333AAAAA", email="m@example.vn")
    client.force_login(staff)
    page = search(client, edition, "nguyen thi hi")
    assert page.context["matches"] == [hien, hieu]  # name order: Hiền before Hiếu
    assert page.context["query"] == "nguyen thi hi"
    assert Registration.objects.filter(status=Status.CHECKED_IN).count() == 0  # nobody yet


@pytest.mark.parametrize("typed", ["0912 345 678", "+84 912 345 678", "0912.345.678"])
def test_checkin_phone_in_any_writing_finds_the_delegate(client, edition, staff, typed):
    hien = delegate(edition, phone="+84912345678")
    delegate(edition, phone="+84987654321", badge_code="33333AAAAA", email="m@example.vn")
    client.force_login(staff)
    assert search(client, edition, typed).context["matches"] == [hien]


def test_checkin_search_shows_only_this_edition(client, edition, staff):
    other = EditionFactory(number=31)
    delegate(other)
    client.force_login(staff)
    page = search(client, edition, "hien")
    assert page.context["matches"] == []
    assert texts(page, "alert-secondary") == [
        "No delegate of this edition matches. Check the spelling, or search by phone number."
    ]


def test_checkin_pick_from_the_list_checks_in(client, edition, staff):
    hien = delegate(edition)
    client.force_login(staff)
    page = search(client, edition, "hien")
    assert b'name="code" value="7K3M9QXD2P"' in page.content
    assert scan(client, edition, hien.badge_code).context["result"]["outcome"] == "checked_in"


def test_checkin_search_with_nul_is_no_error(client, edition, staff):
    client.force_login(staff)
    page = client.get(desk_url(edition) + "?q=ngu%00yen")
    assert (page.status_code, page.context["query"]) == (200, "nguyen")


@pytest.mark.parametrize("count", [1, 8])
def test_checkin_search_query_count(client, edition, staff, count, django_assert_num_queries):
    for index in range(count):
        delegate(
            edition,
            badge_code=f"{index:02d}ABCDEFGH".replace("0", "Z").replace("1", "Y"),
            email=f"d{index}@example.vn",
            status=Status.CHECKED_IN if index % 2 else Status.CONFIRMED,
            checked_in_at=FIRST_SCAN if index % 2 else None,
        )
    client.force_login(staff)
    client.get(desk_url(edition))
    # session, user with their department, groups, edition, last checked in, the matches (the counts
    # are kept until a registration of the edition changes: conference.seat_counts)
    with django_assert_num_queries(6):
        page = client.get(desk_url(edition) + "?q=nguyen")
    assert len(page.context["matches"]) == count


# --- outside the edition's days -------------------------------------------------------------------


def test_checkin_outside_the_days_asks_first_then_checks_in(client, edition, staff):
    edition.date, edition.end_date = datetime.date(2024, 5, 17), datetime.date(2024, 5, 18)
    edition.save()
    registration = delegate(edition)
    client.force_login(staff)
    page = scan(client, edition, "7K3M9QXD2P")
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert page.context["result"] == {
        "outcome": "confirm",
        "headline": (
            f"Today ({today}) is not a day of this edition (17/05–18/05/2024). Check in anyway?"
        ),
        "person": "Ms Nguyễn Thị Hiền, Hà Nội",
        "detail": "",
        "code": "7K3M9QXD2P",
        "registration_id": registration.pk,
    }
    assert b'name="outside_days" value="confirmed"' in page.content
    registration.refresh_from_db()
    assert (registration.status, audit_of(registration)) == (Status.CONFIRMED, [])

    response = client.post(desk_url(edition), {"code": "7K3M9QXD2P", "outside_days": "confirmed"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CHECKED_IN


def test_checkin_outside_the_days_refusal_is_not_asked_about(client, edition, staff):
    edition.date = timezone.localdate() - datetime.timedelta(days=3)
    edition.save()
    delegate(edition, status=Status.PENDING)
    client.force_login(staff)
    assert scan(client, edition, "7K3M9QXD2P").context["result"]["outcome"] == "refused"


def test_checkin_edition_without_a_date_does_not_ask(client, edition, staff):
    edition.date = None
    edition.save()
    delegate(edition)
    client.force_login(staff)
    assert scan(client, edition, "7K3M9QXD2P").context["result"]["outcome"] == "checked_in"


# --- undo ---------------------------------------------------------------------------------------


def undo_url(edition, registration, lang="en"):
    with translation.override(lang):
        return reverse("conference:checkin_undo", args=[edition.number, registration.pk])


def test_checkin_undo_makes_the_delegate_confirmed_again_and_audits(client, edition, staff):
    registration = delegate(edition, status=Status.CHECKED_IN, checked_in_at=FIRST_SCAN)
    client.force_login(staff)
    form = client.get(undo_url(edition, registration))
    assert texts(form, "fs-5") == ["Ms Nguyễn Thị Hiền, Hà Nội was checked in at 08:42."]
    response = client.post(undo_url(edition, registration), {"reason": "  Chọn nhầm  người "})
    assert (response.status_code, response["Location"]) == (302, desk_url(edition))
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at) == (Status.CONFIRMED, None)
    entry = AuditEntry.objects.get(object_id=str(registration.pk))
    assert (entry.action, entry.actor_label, entry.from_state, entry.to_state, entry.reason) == (
        "registration.check_in_undone",
        "Lê Tân",
        "checked_in",
        "confirmed",
        "Chọn nhầm người",
    )
    assert entry.data == {"checked_in_at": FIRST_SCAN.isoformat()}
    page = client.get(desk_url(edition))
    assert page.context["result"]["outcome"] == "undone"
    assert page.context["result"]["headline"] == "Check-in undone: Ms Nguyễn Thị Hiền, Hà Nội"
    # and the right delegate can be checked in again
    assert scan(client, edition, "7K3M9QXD2P").context["result"]["outcome"] == "checked_in"


def test_checkin_undo_without_a_reason(client, edition, staff):
    registration = delegate(edition, status=Status.CHECKED_IN, checked_in_at=FIRST_SCAN)
    client.force_login(staff)
    client.post(undo_url(edition, registration), {"reason": ""})
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert AuditEntry.objects.get(object_id=str(registration.pk)).reason == ""


def test_checkin_undo_of_a_delegate_not_checked_in_changes_nothing(client, edition, staff):
    registration = delegate(edition)
    client.force_login(staff)
    client.post(undo_url(edition, registration), {"reason": ""})
    page = client.get(desk_url(edition))
    assert page.context["result"]["outcome"] == "refused"
    assert page.context["result"]["detail"] == (
        "Nguyễn Thị Hiền is not checked in: there is nothing to undo."
    )
    registration.refresh_from_db()
    assert (registration.status, audit_of(registration)) == (Status.CONFIRMED, [])


def test_checkin_undo_reason_too_long_is_refused(client, edition, staff):
    registration = delegate(edition, status=Status.CHECKED_IN, checked_in_at=FIRST_SCAN)
    client.force_login(staff)
    page = client.post(undo_url(edition, registration), {"reason": "x" * 501})
    assert list(page.context["form"].errors) == ["reason"]
    registration.refresh_from_db()
    assert registration.status == Status.CHECKED_IN


def test_checkin_undo_refused_to_a_liaison_and_of_another_edition(client, edition, staff):
    registration = delegate(edition, status=Status.CHECKED_IN, checked_in_at=FIRST_SCAN)
    client.force_login(LiaisonFactory())
    assert client.post(undo_url(edition, registration)).status_code == 403
    other = EditionFactory(number=31)
    client.force_login(staff)
    assert client.post(undo_url(other, registration)).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.CHECKED_IN


def test_checkin_undo_link_after_a_check_in(client, edition, staff):
    registration = delegate(edition)
    client.force_login(staff)
    page = scan(client, edition, "7K3M9QXD2P")
    assert undo_url(edition, registration).encode() in page.content


# --- the camera page ------------------------------------------------------------------------------


def test_checkin_camera_page_falls_back_to_the_typed_code(client, edition, staff):
    delegate(edition)
    client.force_login(staff)
    with translation.override("en"):
        path = reverse("conference:checkin_camera", args=[edition.number])
    page = client.get(path)
    content = page.content.decode()
    assert '<script src="/static/conference/checkin-camera.js"></script>' in content
    assert 'name="page" value="camera"' in content
    response = client.post(desk_url(edition), {"code": "7K3M9QXD2P", "page": "camera"})
    assert response["Location"] == path
    assert client.get(path).context["result"]["outcome"] == "checked_in"


def test_checkin_camera_page_refused_to_a_liaison(client, edition):
    client.force_login(LiaisonFactory())
    with translation.override("en"):
        path = reverse("conference:checkin_camera", args=[edition.number])
    assert client.get(path).status_code == 403
