import datetime
import re
import zoneinfo
from unittest import mock

import pytest
from django.db import connection
from django.forms import BaseForm
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from conference.models import EditionParticipant, Registration
from conference.services.registrations import registration_decline
from conference.signing import manage_token
from provinces.models import ProvincialUnit
from tests.emails import prefixed
from tests.factories import (
    LiaisonFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
    form_post,
)
from tests.html import open_registration, page_text, texts, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def manage_url(client, registration, name="registration_manage", lang="vi"):
    """The page ``name`` of ``registration`` for the delegate, once ``client`` opened its link."""
    open_registration(client, registration, lang=lang)
    return url(name, lang=lang)


def link_target(text: str) -> str:
    """``text`` with each manage-link token replaced by the registration it opens: a token carries
    the second it was made, so two tokens of one registration may differ on a loaded machine."""
    return re.sub(
        r"(registration/manage/)([^/\s]+:[^/\s]+)",
        lambda m: f"{m[1]}<registration {Registration.objects.from_manage_token(m[2]).pk}>",
        text,
    )


# --- the public form ----------------------------------------------------------------------------


def test_registration_post_that_goes_through_counts_no_seats_and_renders_no_template(
    client, open_edition
):
    """The rush's hot path: no count of every province's seats (only the chosen one's, by the
    service) and no template at all: the form is not shown again and the email is rendered by
    the delivery task. A guard: each would add its cost to every registration of a rush."""
    client.get(url("registration_create", open_edition.number))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url("registration_create", open_edition.number), form_post())
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    rendered = [template.name for template in response.templates]
    assert (response.status_code, rendered, len(counts)) == (302, [], 1)
    assert Registration.objects.get().status == "unverified"


def test_registration_form_shows_participating_units_only(client, open_edition):
    page = client.get(url("registration_create", open_edition.number))
    choices = [label for value, label in page.context["form"].fields["unit"].choices if value]
    assert choices == ["Hà Nội", "Hải Phòng"]
    assert "Decree 13/2023" in page.context["form"].fields["consent"].label or "13/2023" in (
        page.content.decode()
    )


def test_registration_form_before_window_says_when_it_opens(client, open_edition):
    open_edition.registration_opens_at = datetime.datetime(2030, 3, 10, 1, 0, tzinfo=datetime.UTC)
    open_edition.registration_closes_at = datetime.datetime(2030, 4, 1, tzinfo=datetime.UTC)
    open_edition.save()
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert page.context["message"] == "Registration opens on 10/03/2030 at 08:00."
    assert "Registration opens on 10/03/2030 at 08:00." in page.content.decode()
    assert (
        client.post(url("registration_create", open_edition.number), form_post()).status_code == 200
    )
    assert Registration.objects.count() == 0


def test_registration_form_after_window_says_closed(client, open_edition):
    open_edition.registration_opens_at = datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)
    open_edition.registration_closes_at = datetime.datetime(2026, 1, 5, 10, 30, tzinfo=datetime.UTC)
    open_edition.save()
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert page.context["message"] == "Registration was open until 05/01/2026 at 17:30."


def test_registration_form_of_a_held_edition_says_when_it_took_place(client):
    page = client.get(url("registration_create", 10, lang="en"))
    assert page.context["message"] == (
        "This edition took place on 17/05/2024; registration is closed."
    )
    page = client.get(url("registration_create", 10))
    assert page.context["message"] == (
        "Hội nghị lần này đã diễn ra ngày 17/05/2024; việc đăng ký đã kết thúc."
    )


def test_registration_post_creates_and_emails_in_page_language(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("registration_create", open_edition.number, lang="en"), form_post()
        )
    assert response.status_code == 302
    assert response.url == url("registration_sent", open_edition.number, lang="en")
    registration = Registration.objects.get()
    assert (registration.language, registration.status, registration.phone) == (
        "en",
        "unverified",
        "+84912345678",
    )
    assert [m.to for m in mailoutbox] == [["hien@example.vn"]]
    assert mailoutbox[0].subject == prefixed(
        open_edition, "Please confirm your email address", "en"
    )
    link = re.search(r"http://\S+/registration/manage/\S+/", mailoutbox[0].body).group(0)
    assert link.startswith("http://127.0.0.1:8000/en/registration/manage/")
    page = client.get(response.url)
    # The one who typed the address sees it in full (it is only in their own browser).
    assert texts(page, "sent-to") == ["hien@example.vn"]
    assert page.context["sent"] == {"email": "hien@example.vn", "waitlist": False, "unit": "Hà Nội"}


def test_registration_post_invalid_field_messages_nothing_saved(client, open_edition, mailoutbox):
    data = form_post(phone="0123", full_name="")
    del data["consent"]
    page = client.post(url("registration_create", open_edition.number), data)
    assert page.status_code == 200
    assert sorted(page.context["form"].errors) == ["consent", "full_name", "phone"]
    assert (Registration.objects.count(), mailoutbox) == (0, [])


def test_registration_post_department_without_unit_field_message(client, open_edition):
    page = client.post(url("registration_create", open_edition.number), form_post(unit=None))
    assert list(page.context["form"].errors) == ["unit"]


def test_registration_post_duplicate_same_page_link_sent(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    existing = RegistrationFactory(edition=open_edition, email="hien@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("registration_create", open_edition.number), form_post(email="HIEN@example.vn")
        )
    assert response.url == url("registration_sent", open_edition.number)
    assert Registration.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["hien@example.vn"]]
    emailed = url("registration_open", token=manage_token(existing))
    assert link_target(emailed) in link_target(mailoutbox[0].body)


def test_registration_post_full_offers_waitlist_then_waitlists(client, open_edition):
    RegistrationFactory(edition=open_edition)
    RegistrationFactory(edition=open_edition)
    page = client.post(url("registration_create", open_edition.number, lang="en"), form_post())
    assert page.status_code == 200
    assert page.context["form"].non_field_errors() == [
        "The delegation of Hà Nội is full (2 seats). You may join the waiting list: you will be "
        "told as soon as a seat frees up."
    ]
    assert 'type="checkbox" name="join_waitlist"' in page.content.decode()
    response = client.post(
        url("registration_create", open_edition.number), {**form_post(), "join_waitlist": "on"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get(email="hien@example.vn")
    assert registration.status == "unverified"
    confirmed = client.post(manage_url(client, registration, "registration_verify"), follow=True)
    assert [str(m) for m in confirmed.context["messages"]] == [
        "Cảm ơn Quý đại biểu: địa chỉ thư điện tử đã được xác nhận. Hiện đã hết chỗ nên đăng ký "
        "của Quý đại biểu được đưa vào danh sách chờ."
    ]
    registration.refresh_from_db()
    assert registration.status == "waitlisted"


def cleaned_forms(client, *args):
    """``client.post(*args)`` and how many times a form was cleaned while it was answered."""
    calls = []
    original = BaseForm.full_clean

    def full_clean(form):
        calls.append(type(form).__name__)
        return original(form)

    with mock.patch.object(BaseForm, "full_clean", full_clean):
        response = client.post(*args)
    return response, calls


@pytest.mark.parametrize("refused_by", ["form", "service"])
def test_registration_post_refused_checks_the_form_once(client, open_edition, refused_by):
    """The form that comes back is the one that was checked (with the seats words added), not
    a second form checked again."""
    RegistrationFactory.create_batch(2, edition=open_edition)  # Hà Nội's quota is taken
    data = form_post(phone="0123") if refused_by == "form" else form_post()
    page, calls = cleaned_forms(client, url("registration_create", open_edition.number), data)
    errors = page.context["form"].errors
    assert (page.status_code, calls, sorted(errors)) == (
        200,
        ["RegistrationForm"],
        ["phone"] if refused_by == "form" else ["__all__"],
    )
    hanoi = current_unit("01").pk
    assert f'<option value="{hanoi}" selected data-seats="full"' in page.content.decode()


def test_registration_sent_details_only_in_the_senders_browser(client, open_edition):
    response = client.post(url("registration_create", open_edition.number), form_post())
    cookie = response.cookies["registration_sent_vi"]
    assert (cookie["path"], cookie["httponly"], cookie["max-age"]) == (response.url, True, 3600)
    assert texts(client.get(response.url), "sent-to") == ["hien@example.vn"]
    stranger = type(client)()
    assert texts(stranger.get(response.url), "sent-to") == []
    # A cookie written by hand (not signed by the site) is not read.
    stranger.cookies["registration_sent_vi"] = '{"email": "someone@example.vn"}'
    assert stranger.get(response.url).context["sent"] == {}


def test_registration_sent_details_kept_when_the_sender_switches_language(client, open_edition):
    response = client.post(url("registration_create", open_edition.number), form_post())
    english = url("registration_sent", open_edition.number, lang="en")
    assert response.cookies["registration_sent_en"]["path"] == english != response.url
    assert texts(client.get(english), "sent-to") == ["hien@example.vn"]


def test_registration_form_says_a_seat_needs_a_confirmed_address(client, open_edition):
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert texts(page, "alert-info") == [
        "After you send this form we email you a link. Your registration holds a seat only once "
        "you open it and confirm your email address, within 24 hours; until then the last seats "
        "may go to others."
    ]


def test_registration_unverified_manage_page_confirms_and_takes_a_seat(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, status="unverified")
    page = client.get(manage_url(client, registration, lang="en"))
    assert "Confirm my email address" in page_text(page)
    confirmed = client.post(manage_url(client, registration, "registration_verify", lang="en"))
    assert confirmed.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "pending"
    assert client.get(manage_url(client, registration, "registration_verify")).status_code == 405


def test_registration_post_honeypot_neutral_nothing_saved(client, open_edition, mailoutbox):
    response = client.post(
        url("registration_create", open_edition.number), {**form_post(), "website": "http://spam"}
    )
    assert response.url == url("registration_sent", open_edition.number)
    assert (Registration.objects.count(), mailoutbox) == (0, [])


def test_registration_post_rate_limited_per_client(client, open_edition, settings):
    settings.RATELIMIT_POSTS = 3
    target = url("registration_create", open_edition.number, lang="en")
    hai_phong = current_unit("31")
    codes = [
        client.post(target, form_post(email=f"a{n}@example.vn", unit=hai_phong)).status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    page = client.post(target, form_post(email="late@example.vn"), REMOTE_ADDR="127.0.0.1")
    assert "Please wait 10 minutes and try again." in page.content.decode()
    other = client.post(
        target, form_post(email="other@example.vn", unit=hai_phong), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302
    assert Registration.objects.count() == 4


# --- the self-service link --------------------------------------------------------------------


def test_registration_manage_shows_registration(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, full_name="Trần Thị Lan")
    page = client.get(manage_url(client, registration))
    assert page.context["registration"] == registration
    assert (page.context["can_edit"], page.context["can_cancel"]) == (True, True)
    assert "Trần Thị Lan" in page.content.decode()


def test_registration_manage_tampered_link_refused(client, open_edition):
    registration = RegistrationFactory(edition=open_edition)
    token = manage_token(registration)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    page = client.get(url("registration_open", lang="en", token=tampered))
    assert page.status_code == 400
    assert "This link is not valid" in page.content.decode()


def test_registration_edit_saves_changes(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, full_name="Trần Thị Lan")
    data = {
        "salutation": "ba",
        "full_name": "Trần Thị Lan Anh",
        "position": "Chuyên viên",
        "organisation_name": "Sở Công Thương Hà Nội",
        "phone": "024 3825 1234",
        "accommodation_needs": "",
        "dietary_needs": "",
        "language": "vi",
    }
    response = client.post(manage_url(client, registration, "registration_edit"), data)
    assert link_target(response.url) == link_target(manage_url(client, registration))
    registration.refresh_from_db()
    assert (registration.full_name, registration.phone) == ("Trần Thị Lan Anh", "+842438251234")


def test_registration_edit_after_deadline_refused(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, full_name="Trần Thị Lan")
    open_edition.changes_until = timezone.now() - datetime.timedelta(hours=1)
    open_edition.save()
    response = client.post(
        manage_url(client, registration, "registration_edit", lang="en"), {"full_name": "Khác"}
    )
    assert response.status_code == 302
    page = client.get(response.url)
    first_message = next(str(m) for m in page.context["messages"])
    assert first_message.startswith("Changes were possible until ")
    assert page.context["can_edit"] is False
    registration.refresh_from_db()
    assert registration.full_name == "Trần Thị Lan"


def test_registration_cancel_by_link_then_link_shows_cancelled(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=open_edition)
    assert client.get(manage_url(client, registration, "registration_cancel")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage_url(client, registration, "registration_cancel"))
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    page = client.get(manage_url(client, registration))
    assert 'data-status="cancelled"' in page.content.decode()
    assert (page.context["can_edit"], page.context["can_cancel"]) == (False, False)
    assert [m.to for m in mailoutbox] == [[registration.email]]


def test_registration_link_form_same_message_known_or_not(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    RegistrationFactory(edition=open_edition, email="known@example.vn")
    target = url("registration_link", open_edition.number, lang="en")
    pages = []
    for email in ("known@example.vn", "unknown@example.vn"):
        with django_capture_on_commit_callbacks(execute=True):
            pages.append(client.post(target, {"email": email}, follow=True))
    messages = [[str(m) for m in page.context["messages"]] for page in pages]
    assert (
        messages[0]
        == messages[1]
        == [
            "If this address is registered for this edition, we have sent the link to its "
            "registration to it. Please check your inbox (and the spam folder)."
        ]
    )
    assert [m.to for m in mailoutbox] == [["known@example.vn"]]


# --- the liaison ------------------------------------------------------------------------------


def test_delegation_page_shows_own_unit_with_quota(client, open_edition):
    liaison = LiaisonFactory()
    mine = RegistrationFactory(edition=open_edition, full_name="Lê Văn Minh")
    RegistrationFactory(edition=open_edition, status="waitlisted")
    RegistrationFactory(edition=open_edition, unit=current_unit("31"))
    client.force_login(liaison)
    page = client.get(url("delegation", open_edition.number))
    assert page.context["unit"] == current_unit("01")
    assert len(page.context["registrations"]) == 2
    assert mine.pk in [row.id for row in page.context["registrations"]]
    participant = page.context["participant"]
    assert (participant.used, participant.seats_left, participant.waiting) == (1, 1, 1)


def test_delegation_row_decline_asks_for_a_reason_before_it_declines(client, open_edition):
    pending = RegistrationFactory(edition=open_edition)
    RegistrationFactory(edition=open_edition, email="ok@example.vn", status="confirmed")
    client.force_login(LiaisonFactory())
    page = client.get(url("delegation", open_edition.number, lang="en")).content.decode()
    # one disclosure per pending row: the decline button is inside it, beside the reason
    assert page.count("<details") == 1
    assert f'id="reason-{pending.pk}"' in page
    assert page.count('value="decline">Decline this registration</button>') == 1
    assert f'href="/en/editions/{open_edition.number}/badges/"' in page


def test_delegation_confirm_one_and_decline_bulk_with_reason(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    liaison = LiaisonFactory()
    a, b = RegistrationFactory.create_batch(2, edition=open_edition)
    waiting = RegistrationFactory(edition=open_edition, status="waitlisted")
    client.force_login(liaison)
    target = url("delegation", open_edition.number)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(target, {"registrations": [a.pk], "action": "confirm"})
        client.post(target, {"registrations": [b.pk], "action": "decline", "reason": "Trùng"})
    a.refresh_from_db()
    b.refresh_from_db()
    waiting.refresh_from_db()
    assert (a.status, b.status, waiting.status) == ("confirmed", "declined", "pending")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([a.email, b.email, waiting.email])


def test_delegation_liaison_cannot_touch_other_unit(client, open_edition):
    liaison = LiaisonFactory()
    other = RegistrationFactory(edition=open_edition, unit=current_unit("31"))
    client.force_login(liaison)
    client.post(
        url("delegation", open_edition.number), {"registrations": [other.pk], "action": "confirm"}
    )
    other.refresh_from_db()
    assert other.status == "pending"
    participant = EditionParticipant.objects.get(edition=open_edition, unit=current_unit("31"))
    response = client.get(url("delegation_unit", open_edition.number, participant.unit_id))
    assert response.status_code == 403


def test_delegation_refused_to_non_liaison(client, open_edition):
    client.force_login(UserFactory())
    assert client.get(url("delegation", open_edition.number)).status_code == 403


@pytest.mark.parametrize("rows", [1, 12])
def test_delegation_query_count_same_for_one_and_many(
    rows, client, open_edition, django_assert_num_queries
):
    liaison = LiaisonFactory()
    RegistrationFactory.create_batch(rows, edition=open_edition)
    client.force_login(liaison)
    client.get(url("delegation", open_edition.number))  # warm the session and caches
    with django_assert_num_queries(DELEGATION_QUERIES):
        page = client.get(url("delegation", open_edition.number))
    assert len(page.context["registrations"]) == rows


# session, user with their department, groups; the edition with its seats; rows
DELEGATION_QUERIES = 5


# --- the organizers ---------------------------------------------------------------------------


def test_registration_list_filters_and_folded_search(client, open_edition):
    client.force_login(UserFactory(roles=["organizer"]))
    hien = RegistrationFactory(edition=open_edition, full_name="Nguyễn Thị Hiền")
    RegistrationFactory(edition=open_edition, full_name="Trần Văn Bình", status="confirmed")
    RegistrationFactory(edition=open_edition, full_name="Đỗ Hải", unit=current_unit("31"))
    base = url("registration_list")
    page = client.get(base, {"edition": open_edition.number, "q": "nguyen thi hien"})
    assert [r.id for r in page.context["page"].object_list] == [hien.pk]
    page = client.get(base, {"edition": open_edition.number, "status": "confirmed"})
    assert [r.full_name for r in page.context["page"].object_list] == ["Trần Văn Bình"]
    page = client.get(base, {"edition": open_edition.number, "unit": current_unit("31").pk})
    assert [r.full_name for r in page.context["page"].object_list] == ["Đỗ Hải"]
    chosen = re.findall(r'<option value="([^"]*)" selected>', page.content.decode())
    assert chosen == [str(open_edition.number), str(current_unit("31").pk), "", ""]
    page = client.get(base, {"edition": open_edition.number})
    assert [r.full_name for r in page.context["page"].object_list] == [
        "Trần Văn Bình",
        "Đỗ Hải",
        "Nguyễn Thị Hiền",
    ]
    counts = {p.unit.code: (p.used, p.quota, p.waiting) for p in page.context["per_unit"]}
    assert counts == {"01": (2, 2, 0), "31": (1, None, 0)}
    assert "{% block exports %}" not in page.content.decode()


def test_registration_list_bad_filter_values_ignored(client, open_edition):
    client.force_login(UserFactory(roles=["organizer"]))
    RegistrationFactory(edition=open_edition)
    page = client.get(
        url("registration_list"),
        {"edition": open_edition.number, "status": "nonsense", "page": "x"},
    )
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 1
    # A province that does not take part, or no province at all: ignored too (no 500).
    elsewhere = ProvincialUnit.objects.current().exclude(code__in=["01", "31"]).first()
    for unit in (elsewhere.pk, 999999, "x"):
        page = client.get(url("registration_list"), {"edition": open_edition.number, "unit": unit})
        assert (page.status_code, page.context["page"].paginator.count) == (200, 1)
        page = client.get(url("badge_index", open_edition.number), {"unit": unit})
        assert (page.status_code, page.context["selected"]) == (200, 0)


def test_registration_list_refused_to_liaison(client, open_edition):
    client.force_login(LiaisonFactory())
    assert client.get(url("registration_list")).status_code == 403


# session, user with their department, groups, edition, participants (the province filter's
# choices and check too), the editions offered, the rows: the seat counts (and the number of
# rows without a search) kept since the first request (conference.seat_counts)
LIST_QUERIES = 7


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize(
    ("filters", "queries"),
    [
        ({}, LIST_QUERIES),
        # counted from the seat counts too: the province, the state
        ({"unit": "31", "status": "pending"}, LIST_QUERIES),
        ({"unit": "31"}, LIST_QUERIES),
        # a search of words of three letters or more: counted with the rows (a window)
        ({"q": "nguyen"}, LIST_QUERIES),
        ({"q": "nguyen van"}, LIST_QUERIES),
        # a shorter word or the kind of organisation: the rows are counted (COUNT)
        ({"q": "an"}, LIST_QUERIES + 1),
        ({"organisation_kind": "doit"}, LIST_QUERIES + 1),
    ],
)
def test_registration_list_query_count_same_for_one_and_many(
    rows, filters, queries, client, open_edition, django_assert_num_queries
):
    client.force_login(UserFactory(roles=["organizer"]))
    for n in range(rows):
        RegistrationFactory(
            edition=open_edition,
            unit=current_unit("01" if n % 2 else "31"),
            full_name="Nguyễn Văn An",
        )
    if "unit" in filters:
        filters = {**filters, "unit": current_unit(filters["unit"]).pk}
    target = url("registration_list")
    query = {"edition": open_edition.number, **filters}
    client.get(target, query)
    with django_assert_num_queries(queries):
        page = client.get(target, query)
    expected = Registration.objects.filter(edition=open_edition)
    if "unit" in filters:
        expected = expected.filter(unit=filters["unit"])
    if "status" in filters:
        expected = expected.filter(status=filters["status"])
    assert page.context["page"].paginator.count == expected.count() > 0


@pytest.mark.parametrize("page_name", ["registration_list", "delegation"])
def test_registration_lists_render_no_template_per_row(page_name, client, open_edition):
    """A list renders the same templates for 1 row as for 12 (one per row, or per row and
    column, made the organizers' list 35× slower than a bare view): counted with the test
    client's record of template_rendered signals."""
    statuses = ["pending", "confirmed", "waitlisted", "declined"]
    user = UserFactory(roles=["organizer"])
    target = (
        url("registration_list") + f"?edition={open_edition.number}"
        if page_name == "registration_list"
        else url("delegation_unit", open_edition.number, current_unit("01").pk)
    )
    client.force_login(user)
    rendered = []
    for rows in (1, 12):
        Registration.objects.filter(edition=open_edition).delete()
        for n in range(rows):
            RegistrationFactory(edition=open_edition, status=statuses[n % len(statuses)])
        page = client.get(target)
        assert len(page.context["page"].object_list) == rows
        rendered.append([template.name for template in page.templates])
    assert rendered[0] == rendered[1]
    assert rendered[1].count("conference/registration_rows.html") == 1


def test_registration_erase_by_link(client, open_edition):
    registration = RegistrationFactory(edition=open_edition)
    assert client.get(manage_url(client, registration, "registration_erase")).status_code == 200
    response = client.post(manage_url(client, registration, "registration_erase"))
    assert response.url == url("registration_create", open_edition.number)
    assert Registration.objects.count() == 0
    assert client.get(url("registration_manage")).status_code == 403
    emailed = url("registration_open", token=manage_token(registration))
    assert client.get(emailed).status_code == 400


def test_delegation_lists_pending_first_waiting_in_their_order(client, open_edition):
    import datetime as dt

    early = timezone.now() - dt.timedelta(hours=2)
    RegistrationFactory(edition=open_edition, full_name="An Hủy", status="cancelled")
    second = RegistrationFactory(edition=open_edition, full_name="A Chờ Hai", status="waitlisted")
    first = RegistrationFactory(
        edition=open_edition, full_name="Z Chờ Một", status="waitlisted", waitlisted_at=early
    )
    RegistrationFactory(edition=open_edition, full_name="Bình Xác Nhận", status="confirmed")
    RegistrationFactory(edition=open_edition, full_name="Cường Chờ Duyệt")
    client.force_login(LiaisonFactory())
    page = client.get(url("delegation", open_edition.number))
    assert [r.full_name for r in page.context["registrations"]] == [
        "Cường Chờ Duyệt",
        "Bình Xác Nhận",
        first.full_name,
        second.full_name,
        "An Hủy",
    ]


def test_registration_list_fills_free_seats_after_quota_raised(client, open_edition):
    RegistrationFactory.create_batch(2, edition=open_edition)
    waiting = RegistrationFactory(edition=open_edition, status="waitlisted")
    EditionParticipant.objects.filter(edition=open_edition, unit__code="01").update(quota=3)
    client.force_login(UserFactory(roles=["organizer"]))
    target = url("registration_list", lang="en") + f"?edition={open_edition.number}"
    page = client.post(target, {"promote": "1"}, follow=True)
    assert [str(m) for m in page.context["messages"]] == ["Moved from the waiting list: 1."]
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_registration_edition_links_include_renders_register_button(open_edition, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    with translation.override("en"):
        html = render_to_string(
            "conference/registration_edition_links.html",
            {"edition": open_edition, "user": AnonymousUser()},
        )
    assert f'href="/en/editions/{open_edition.number}/register/"' in html
    assert "Register as a delegate" in html


def test_registration_link_form_honeypot_sends_nothing(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    RegistrationFactory(edition=open_edition, email="known@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            url("registration_link", open_edition.number),
            {"email": "known@example.vn", "website": "spam"},
            follow=True,
        )
    assert len(list(page.context["messages"])) == 1
    assert mailoutbox == []


def test_registration_post_press_with_province_clears_it(client, open_edition):
    response = client.post(
        url("registration_create", open_edition.number),
        form_post(organisation_kind="press", organisation_name="Báo Công Thương"),
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.organisation_kind, registration.unit) == ("press", None)


def test_registration_post_longest_name_saved(client, open_edition):
    # The longest full name, with a long given name: its sort key is about 870 digits.
    name = ("Nguyễn Thị " + "Thanh" * 30)[:150]
    assert len(name) == 150
    response = client.post(
        url("registration_create", open_edition.number), form_post(full_name=name)
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.full_name == name.strip()
    assert len(registration.sort_key) > 800


@pytest.mark.parametrize(
    ("seated", "said"),
    [
        (0, ["Seats are available."]),
        (1, ["Few seats are left."]),
        (5, ["All seats are taken: new registrations join the waiting list."]),
    ],
)
def test_registration_form_tells_availability_without_numbers(client, open_edition, seated, said):
    # Capacity 5: "few" at 5 seats left or fewer (4 after one), "full" at none.
    open_edition.capacity = 5 if seated else 50
    open_edition.save()
    RegistrationFactory.create_batch(seated, edition=open_edition, unit=current_unit("31"))
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert texts(page, css_class="seats-availability") == said
    assert re.search(r"\d+ (seats?|chỗ)", page_text(page)) is None  # words, no numbers


def test_registration_manage_shows_the_reason_of_a_decline(
    client, open_edition, django_assert_num_queries
):
    declined = RegistrationFactory(edition=open_edition, language="en")
    registration_decline(registration=declined, actor=UserFactory(), reason="No seat left")
    silent = RegistrationFactory(edition=open_edition)
    registration_decline(registration=silent, actor=UserFactory())
    client.get(manage_url(client, silent, lang="en"))  # warm up caches (content types, site)
    # The session, the registration with its edition, and the reason on the audit entry of the
    # decline.
    address = manage_url(client, declined, lang="en")
    with django_assert_num_queries(4):
        page = client.get(address)
    assert texts(page, "alert") == [
        "Declined. This registration was declined. Reason: No seat left"
    ]
    page = client.get(manage_url(client, silent, lang="en"))
    assert texts(page, "alert") == ["Declined. This registration was declined."]


def test_registration_pages_show_a_midnight_deadline_as_the_end_of_the_day_before(
    client, open_edition
):
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    open_edition.registration_closes_at = datetime.datetime(2030, 2, 6, 0, 0, tzinfo=hanoi)
    open_edition.changes_until = datetime.datetime(2030, 2, 10, 0, 0, tzinfo=hanoi)
    open_edition.save()
    form = client.get(url("registration_create", open_edition.number, lang="en"))
    manage = client.get(manage_url(client, RegistrationFactory(edition=open_edition), lang="en"))
    assert "Registration is open until the end of 05/02/2030." in page_text(form)
    assert texts(manage, "mt-3")[0] == "You may change your details until the end of 09/02/2030."


def test_registration_form_after_a_midnight_close_names_the_last_day(client, open_edition):
    open_edition.registration_opens_at = datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)
    open_edition.registration_closes_at = datetime.datetime(2026, 1, 5, 17, 0, tzinfo=datetime.UTC)
    open_edition.save()
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert page.context["message"] == "Registration was open until the end of 05/01/2026."


def test_checked_in_delegate_is_told_plainly_and_not_shown_dead_ends(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, status="checked_in")
    said = (
        "You have checked in: your registration can no longer be changed or cancelled. "
        "Please contact the organizers."
    )
    page = client.get(manage_url(client, registration, lang="en")).content.decode()
    assert said in page
    assert "/edit/" not in page
    for name in ("registration_edit", "registration_cancel"):
        response = client.get(manage_url(client, registration, name=name, lang="en"), follow=True)
        assert [str(m) for m in response.context["messages"]] == [said]
        assert link_target(response.redirect_chain[-1][0]) == link_target(
            manage_url(client, registration, lang="en")
        )
    registration.refresh_from_db()
    assert registration.status == "checked_in"


def test_cancelled_delegate_cannot_open_the_edit_form(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, status="cancelled")
    response = client.get(
        manage_url(client, registration, name="registration_edit", lang="en"), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "This registration is cancelled and can no longer be changed."
    ]


def test_delegation_summary_counts_checked_in_delegates(client, open_edition):
    RegistrationFactory(edition=open_edition, status="checked_in")
    RegistrationFactory(edition=open_edition, email="b@example.vn")
    client.force_login(LiaisonFactory())
    page = client.get(url("delegation", open_edition.number, lang="en")).content.decode()
    assert "1 awaiting confirmation, 0 confirmed, 1 checked in. Seats used count all three." in page


# --- seats of each province, before sending -------------------------------------------------------


def unit_options(page) -> list[tuple[str, str, str]]:
    """(label, data-seats, data-seats-hint) of each option of the province select."""
    select = re.search(r'<select name="unit".*?</select>', page.content.decode(), re.S).group(0)
    options = []
    for attrs, label in re.findall(r"<option([^>]*)>(.*?)</option>", select, re.S):
        seats = re.search(r'data-seats="([^"]*)"', attrs)
        hint = re.search(r'data-seats-hint="([^"]*)"', attrs)
        options.append(
            (label.strip(), seats.group(1) if seats else "", hint.group(1) if hint else "")
        )
    return options


def test_registration_form_options_say_which_province_has_seats(client, open_edition):
    # capacity 5: one seat taken leaves 4 ("few"); Hà Nội (quota 2) is full, Hải Phòng has none
    RegistrationFactory(edition=open_edition, status="confirmed")
    RegistrationFactory(edition=open_edition, status="pending")
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert unit_options(page) == [
        (
            "— none (Ministry unit, enterprise, press, guest) — (few seats left)",
            "few",
            "Delegates without a province: few seats are left.",
        ),
        (
            "Hà Nội (full: waiting list)",
            "full",
            "Hà Nội: all seats are taken. You can still register on the waiting list: tick the "
            "box below.",
        ),
        ("Hải Phòng (few seats left)", "few", "Hải Phòng: few seats are left."),
    ]


def test_registration_form_without_limits_says_nothing_about_seats(client, open_edition):
    open_edition.capacity = None
    open_edition.save()
    EditionParticipant.objects.filter(edition=open_edition).update(quota=None)
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert [seats for _label, seats, _hint in unit_options(page)] == ["", "", ""]


def test_registration_form_sent_again_says_the_chosen_province_is_full(client, open_edition):
    RegistrationFactory.create_batch(2, edition=open_edition, status="confirmed")
    page = client.post(url("registration_create", open_edition.number, lang="en"), form_post())
    assert texts(page, "seats-hint") == [
        "Hà Nội: all seats are taken. You can still register on the waiting list: tick the box "
        "below."
    ]
    # the waiting-list box sits right under the province, highlighted
    content = page.content.decode()
    assert content.index('name="unit"') < content.index('name="join_waitlist"')
    assert content.index('name="join_waitlist"') < content.index('name="email"')


def test_registration_form_waiting_list_choice_is_always_offered(client, open_edition):
    page = client.get(url("registration_create", open_edition.number, lang="en"))
    assert 'type="checkbox" name="join_waitlist"' in page.content.decode()


def test_registration_sent_says_plainly_on_the_waiting_list(client, open_edition):
    RegistrationFactory.create_batch(2, edition=open_edition, status="confirmed")
    response = client.post(
        url("registration_create", open_edition.number, lang="en"),
        {**form_post(), "join_waitlist": "on"},
    )
    page = client.get(response.url)
    assert page.context["sent"] == {"email": "hien@example.vn", "waitlist": True, "unit": "Hà Nội"}
    assert texts(page, tag="h1") == ["Your registration goes on the waiting list"]
    assert texts(page, "alert-warning") == [
        "All seats of the delegation of Hà Nội are taken. Once you confirm your email address, "
        "your registration is on the waiting list: it does not hold a seat yet. We email you as "
        "soon as a seat frees up for you."
    ]


def test_registration_sent_with_seats_free_does_not_mention_the_waiting_list(client, open_edition):
    response = client.post(url("registration_create", open_edition.number, lang="en"), form_post())
    page = client.get(response.url)
    assert texts(page, tag="h1") == ["Thank you — please check your email"]
    assert "waiting list" not in page_text(page)


def test_registration_list_row_forms_name_a_large_pk_as_written(client, open_edition):
    """Rows of a registration numbered 1,000 or more: its checkbox and its confirm form send
    "12345", not "12.345" (the template's number localization sent a value no form accepted)."""
    registration = RegistrationFactory(edition=open_edition, pk=12345)
    client.force_login(UserFactory(roles=["organizer"]))
    target = url("registration_list") + f"?edition={open_edition.number}"
    page = client.get(target).content.decode()
    assert re.findall(r'name="registrations" value="([^"]+)"', page) == ["12345", "12345", "12345"]
    assert 'data-registration="12345"' in page
    client.post(target, {"registrations": "12345", "action": "confirm"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_registration_list_reverse_form_same_as_detail_page(client, open_edition):
    """The reverse-decision form of a confirmed row is the detail page's form (one helper)."""
    registration = RegistrationFactory(edition=open_edition, status="confirmed")
    client.force_login(UserFactory(roles=["organizer"]))
    detail = client.get(url("registration_detail", registration.pk)).content.decode()
    listed = client.get(
        url("registration_list") + f"?edition={open_edition.number}"
    ).content.decode()

    def reverse_form(html: str) -> str:
        found = re.search(r'<details class="reverse-row.*?</details>', html, re.S)
        form = re.sub(r'name="(csrfmiddlewaretoken|next)" value="[^"]*"', "", found.group())
        return form

    assert reverse_form(listed) == reverse_form(detail)
    assert f'action="/registrations/{registration.pk}/reverse/"' in reverse_form(listed)
