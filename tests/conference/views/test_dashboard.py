"""Each role's workspace after login, and the organizers' edition dashboard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conference.models import Notification, Registration
from conference.permissions import ORGANIZER
from tests.factories import LiaisonFactory, RegistrationFactory, UserFactory, current_unit
from tests.html import texts

pytestmark = pytest.mark.django_db


def url(name, *args, lang="vi", **kwargs):
    with translation.override(lang):
        return reverse(f"conference:{name}", args=args, kwargs=kwargs or None)


def _log_in(client, username):
    response = client.post(
        "/en/accounts/login/", {"username": username, "password": "mat-khau-an-toan-2024"}
    )
    return client.get(response.url, follow=True)


def test_each_role_lands_on_its_own_page_after_login(client, open_edition):
    UserFactory(username="bantochuc", roles=[ORGANIZER])
    LiaisonFactory(username="daumoi")
    UserFactory(username="tinhnguyenvien", is_staff=True)
    UserFactory(username="khach")
    number = open_edition.number
    landed = {}
    for username in ("bantochuc", "daumoi", "tinhnguyenvien", "khach"):
        landed[username] = _log_in(client, username).redirect_chain[-1][0]
        client.logout()
    assert landed == {
        "bantochuc": "/en/dashboard/",
        "daumoi": f"/en/editions/{number}/delegation/",
        "tinhnguyenvien": f"/en/editions/{number}/checkin/",
        "khach": "/en/",
    }


def test_dashboard_counts_states_seats_decisions_emails_and_dates(client, open_edition):
    RegistrationFactory.create_batch(2, edition=open_edition)  # Hà Nội: quota 2, full
    RegistrationFactory(edition=open_edition, unit=current_unit("31"), status="confirmed")
    RegistrationFactory(edition=open_edition, status="waitlisted")
    Notification.objects.create(
        kind="registration_received",
        recipient="x@example.vn",
        language="vi",
        event_key="dash:1",
        subject="S",
        body_text="B",
        edition=open_edition,
        status="failed",
        last_error="550 mailbox unavailable",
    )
    client.force_login(UserFactory(roles=[ORGANIZER]))
    page = client.get(url("dashboard", lang="en"), {"edition": open_edition.number})
    assert [texts(page, "dash-figure")] == [["3 / 5", "2", "1", "4"]]
    rows = {row["status"]: row["count"] for row in page.context["by_state"]}
    assert rows == {
        "unverified": 0,
        "pending": 2,
        "confirmed": 1,
        "declined": 0,
        "waitlisted": 1,
        "cancelled": 0,
        "checked_in": 0,
    }
    html = page.content.decode()
    assert (
        '<meter class="dash-bar" min="0" max="2" low="1" high="1.8" optimum="0" value="2"' in html
    )
    assert "style=" not in html.split("<main", 1)[-1]
    assert [item["code"] for item in page.context["deadlines"]] == [
        "registration_closes",
        "starts",
    ]
    today = timezone.localdate()
    assert [item["days"] for item in page.context["deadlines"]] == [
        (timezone.localdate(open_edition.registration_closes_at) - today).days,
        (open_edition.date - today).days,
    ]


def test_dashboard_query_count_does_not_grow_with_registrations(client, open_edition):
    client.force_login(UserFactory(roles=[ORGANIZER]))
    RegistrationFactory(edition=open_edition)
    with CaptureQueriesContext(connection) as one:
        client.get(url("dashboard"), {"edition": open_edition.number})
    RegistrationFactory.create_batch(6, edition=open_edition, unit=current_unit("31"))
    with CaptureQueriesContext(connection) as many:
        client.get(url("dashboard"), {"edition": open_edition.number})
    assert len(one) == len(many)


def test_dashboard_is_for_organizers(client, open_edition):
    client.force_login(LiaisonFactory())
    assert client.get(url("dashboard")).status_code == 403


def test_registration_detail_shows_history_emails_and_actions(client, open_edition):
    from conference.services import registrations as services

    registration = RegistrationFactory(edition=open_edition, badge_code="7K3M9QXD2P")
    liaison = LiaisonFactory()
    services.registration_confirm(registration=registration, actor=liaison)
    client.force_login(UserFactory(roles=[ORGANIZER]))
    page = client.get(url("registration_detail", registration.pk, lang="en"))
    assert texts(page, tag="h1") == [registration.full_name]
    history = [row.split(" ", 2)[2] for row in texts(page, tag="tr")[1:2]]
    assert history == [f"{liaison} Confirmed (Confirmed) —"]
    assert "7K3M9-QXD2P" in page.content.decode()
    emails = page.context["emails"]
    assert [(e.kind_display, e.get_status_display()) for e in emails] == [
        ("Registration confirmed", "Queued")
    ]
    assert page.context["reversals"] == ["pending", "declined"]


def test_registration_detail_for_the_liaison_of_its_province_only(client, open_edition):
    hanoi = RegistrationFactory(edition=open_edition)
    haiphong = RegistrationFactory(edition=open_edition, unit=current_unit("31"))
    client.force_login(LiaisonFactory())
    page = client.get(url("registration_detail", hanoi.pk))
    assert page.status_code == 200
    assert page.context["reversals"] == []
    assert client.get(url("registration_detail", haiphong.pk)).status_code == 403


def test_registration_detail_confirm_from_the_page(client, open_edition):
    registration = RegistrationFactory(edition=open_edition)
    client.force_login(LiaisonFactory())
    response = client.post(
        url("registration_detail", registration.pk),
        {"registrations": [registration.pk], "action": "confirm"},
        follow=True,
    )
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert [str(m) for m in response.context["messages"]] == ["Đã xác nhận: 1."]


def test_dashboard_dates_ahead_skip_the_past(open_edition):
    from conference.views.dashboard import _deadlines

    today = timezone.localdate()
    open_edition.changes_until = timezone.now() - datetime.timedelta(days=1)
    assert [d["code"] for d in _deadlines(open_edition, today)] == [
        "registration_closes",
        "starts",
    ]


def test_organizers_find_the_dashboard_in_their_menu(client):
    client.force_login(UserFactory(roles=[ORGANIZER]))
    assert texts(client.get("/en/"), "dropdown-item") == [
        "Dashboard",
        "Messages to delegates",
        "Change password",
        "Log out",
    ]


@pytest.mark.parametrize("rows", [1, 12])
def test_dashboard_query_count_same_for_one_and_many(rows, client, open_edition):
    from pytest_django.asserts import assertNumQueries

    client.force_login(UserFactory(roles=[ORGANIZER]))
    for n in range(rows):
        RegistrationFactory(
            edition=open_edition,
            unit=current_unit("01" if n % 2 else "31"),
            status=["pending", "confirmed", "waitlisted"][n % 3],
        )
    client.get(url("dashboard"), {"edition": open_edition.number})  # session, seat counts
    # session, user with their department, groups, edition, participants, the oldest pending,
    # failing emails (their first rows: counted only when more may follow); the seat counts are
    # kept until a registration changes
    with assertNumQueries(7):
        page = client.get(url("dashboard"), {"edition": open_edition.number})
    assert page.context["total"] == rows


@pytest.mark.parametrize(("failing", "queries"), [(0, 7), (4, 7), (5, 8), (20, 8)])
def test_dashboard_counts_failing_emails_only_past_those_shown(
    failing, queries, client, open_edition
):
    from pytest_django.asserts import assertNumQueries

    for n in range(failing):
        Notification.objects.create(
            kind="registration_received",
            event_key=f"failing:{n}",
            recipient=f"d{n}@example.vn",
            language="vi",
            edition=open_edition,
            subject="S",
            body_text="B",
            status="failed",
            last_error="550",
        )
    client.force_login(UserFactory(roles=[ORGANIZER]))
    client.get(url("dashboard"), {"edition": open_edition.number})
    with assertNumQueries(queries):
        page = client.get(url("dashboard"), {"edition": open_edition.number})
    assert (page.context["failed_count"], len(page.context["failed"])) == (failing, min(failing, 5))


def test_dashboard_renders_no_template_per_row(client, open_edition):
    """The dashboard renders the same templates for 1 registration as for 12 (spread over
    provinces, states and failing emails): no include or widget per row."""
    client.force_login(UserFactory(roles=[ORGANIZER]))
    rendered = []
    for added in (1, 11):  # 1, then 12 in all
        for n in range(added):
            registration = RegistrationFactory(
                edition=open_edition,
                unit=current_unit("01" if n % 2 else "31"),
                status=["pending", "confirmed", "waitlisted"][n % 3],
            )
            Notification.objects.create(
                kind="registration_received",
                event_key=f"received:{registration.pk}",
                recipient=registration.email,
                language="vi",
                edition=open_edition,
                subject="Đã nhận đăng ký",
                body_text="…",
                status="failed",
                last_error="550",
                attempts=1,
            )
        page = client.get(url("dashboard"), {"edition": open_edition.number})
        rendered.append([template.name for template in page.templates])
    assert len(page.context["pending"]) > 1
    assert rendered[0] == rendered[1]


def test_dashboard_pending_item_says_when_it_came_in_local_time(client, open_edition):
    registration = RegistrationFactory(edition=open_edition)
    came_in = datetime.datetime(2026, 5, 17, 1, 42, tzinfo=datetime.UTC)  # 08:42 in Hà Nội
    Registration.objects.filter(pk=registration.pk).update(created_at=came_in)
    client.force_login(UserFactory(roles=[ORGANIZER]))
    page = client.get(url("dashboard", lang="en"), {"edition": open_edition.number})
    assert '<span class="small text-nowrap">17/05/2026 08:42</span>' in page.content.decode()
