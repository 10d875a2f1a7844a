"""The public pages' cache (conference/public_cache.py): served without the database to
anonymous visitors, with the visitor's own CSRF token, and fresh again as soon as what the page
shows changes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conference.models import Edition, EditionParticipant
from provinces.models import ProvincialUnit
from tests.factories import RegistrationFactory, UserFactory, current_unit
from tests.html import open_registration, url

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def caching():
    cache.clear()
    with override_settings(PUBLIC_CACHE_SECONDS=60):
        yield
    cache.clear()


def test_public_page_cached_served_without_queries(client, django_assert_num_queries):
    first = client.get("/editions/")
    with django_assert_num_queries(0):
        second = client.get("/editions/")
    assert second.status_code == 200
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_public_page_cached_carries_the_visitors_own_csrf_token(client):
    client.get("/editions/")
    visitor = type(client)(enforce_csrf_checks=True)
    page = visitor.get("/editions/")
    token = TOKEN.search(page.content.decode()).group(1)
    assert token != "__CSRF_TOKEN__"
    answer = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": "/editions/", "csrfmiddlewaretoken": token},
    )
    assert (answer.status_code, answer["Location"]) == (302, "/en/editions/")


def test_public_page_cache_invalidated_when_an_edition_changes(
    client, django_capture_on_commit_callbacks
):
    edition = Edition.objects.get(number=10)
    assert "Trung tâm Hội nghị Thử" not in client.get("/editions/10/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        edition.venue = "Trung tâm Hội nghị Thử"
        edition.save(update_fields=["venue"])
    assert "Trung tâm Hội nghị Thử" in client.get("/editions/10/").content.decode()


def test_public_page_not_cached_for_a_signed_in_user(client):
    anonymous = client.get("/editions/").content.decode()
    client.force_login(UserFactory())
    signed_in = client.get("/editions/").content.decode()
    logout = f'action="{reverse("logout")}"'
    assert (logout in anonymous, logout in signed_in) == (False, True)


def test_registration_form_fields_cached_until_the_edition_changes(
    client, open_edition, django_capture_on_commit_callbacks
):
    path = reverse("conference:registration_create", args=[open_edition.number])
    option = f'<option value="{current_unit("04").pk}"'
    first = client.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        EditionParticipant.objects.create(edition=open_edition, unit=current_unit("04"))
    second = client.get(path).content.decode()
    assert (option in first, option in second) == (False, True)


def test_registration_form_cached_shows_a_province_full_as_soon_as_it_is(client, open_edition):
    path = reverse("conference:registration_create", args=[open_edition.number])
    hanoi = current_unit("01")
    full = f'<option value="{hanoi.pk}" data-seats="full"'
    first = client.get(path).content.decode()
    RegistrationFactory.create_batch(2, edition=open_edition, unit=hanoi, status="confirmed")
    second = client.get(path).content.decode()
    assert (full in first, full in second) == (False, True)


CRISPY_FIELD = "bootstrap5/field.html"  # rendered once per field when crispy renders the form


def form_page(client, edition, lang="vi"):
    """The registration form's page as a visitor gets it, and whether crispy rendered its
    fields (False: the fields' HTML came from the cache)."""
    with translation.override(lang):
        path = reverse("conference:registration_create", args=[edition.number])
    response = client.get(path)
    assert response.status_code == 200
    rendered = CRISPY_FIELD in [template.name for template in response.templates]
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode()), rendered


def uncached_form_page(client, edition, lang="vi"):
    with override_settings(PUBLIC_CACHE_SECONDS=0):
        return form_page(client, edition, lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_registration_form_cached_same_page_as_rendered(client, open_edition, lang):
    # Every current province takes part: the seats words of all of them make a long variant
    # (a key of more than 250 characters warned, and under ``filterwarnings = error`` the cache
    # was never read).
    units = ProvincialUnit.objects.current().exclude(participations__edition=open_edition)
    EditionParticipant.objects.bulk_create(
        EditionParticipant(edition=open_edition, unit=unit) for unit in units
    )
    first, first_rendered = form_page(client, open_edition, lang)
    second, second_rendered = form_page(client, open_edition, lang)
    uncached, _rendered = uncached_form_page(client, open_edition, lang)
    assert (first_rendered, second_rendered) == (True, False)
    assert second == first == uncached
    # One token per <form> (the language buttons' and the registration form's): crispy adds none.
    assert (second.count('name="csrfmiddlewaretoken"'), second.count("<form ")) == (3, 3)


def test_registration_form_cached_shows_a_seat_change_at_once(client, open_edition):
    hanoi = current_unit("01")  # quota 2
    form_page(client, open_edition)
    available, rendered = form_page(client, open_edition)
    assert rendered is False
    taken = RegistrationFactory.create_batch(
        2, edition=open_edition, unit=hanoi, status="confirmed"
    )
    full, _rendered = form_page(client, open_edition)
    assert full == uncached_form_page(client, open_edition)[0] != available
    assert f'<option value="{hanoi.pk}" data-seats="full"' in full
    taken[0].delete()  # a seat frees: the page says so at once, from the cache again
    again, rendered = form_page(client, open_edition)
    assert (again, rendered) == (available, False)


# --- the registration form's whole page (conference.views.registrations.registration_create) ---

AVAILABLE = "Seats are available."
FEW = "Few seats are left."
FULL = "All seats are taken: new registrations join the waiting list."


def form_path(edition) -> str:
    return url("registration_create", edition.number, lang="en")


def availability(client, edition) -> str:
    """The sentence about the edition's seats at the top of its form, as a visitor gets it."""
    found = re.search(
        r'<li class="seats-availability">([^<]*)</li>',
        client.get(form_path(edition)).content.decode(),
    )
    return found.group(1) if found else ""


def test_registration_form_page_cached_reads_no_table(client, open_edition):
    first = client.get(form_path(open_edition))
    other = type(client)()  # a new visitor: no cookie, no session
    with CaptureQueriesContext(connection) as queries:
        second = other.get(form_path(open_edition))
    assert (len(queries), second.templates) == (0, [])
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    tokens = set(TOKEN.findall(second.content.decode()))
    assert len(tokens) == 1 and tokens.isdisjoint({"", "__CSRF_TOKEN__"})


def test_registration_form_page_cached_not_stale_after_registrations(client, open_edition):
    """Seats taken and freed by registrations written without a commit (the seat counts move
    at once): the cached page says so at the next request."""
    assert [availability(client, open_edition) for _ in range(2)] == [FEW, FEW]
    taken = RegistrationFactory.create_batch(5, edition=open_edition, status="confirmed")
    assert availability(client, open_edition) == FULL
    taken[0].delete()
    assert availability(client, open_edition) == FEW


def test_registration_form_page_cached_not_stale_after_an_edition_change(
    client, open_edition, django_capture_on_commit_callbacks
):
    haiphong = EditionParticipant.objects.get(edition=open_edition, unit=current_unit("31"))
    RegistrationFactory(edition=open_edition, unit=haiphong.unit, status="confirmed")
    RegistrationFactory(
        edition=open_edition, unit=None, organisation_kind="guest", status="confirmed"
    )
    option = f'<option value="{haiphong.unit_id}" data-seats="full"'

    def change(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            for name, value in fields.items():
                target = haiphong if name == "quota" else open_edition
                setattr(target, name, value)
                target.save(update_fields=[name])

    change(capacity=500)
    assert [availability(client, open_edition) for _ in range(2)] == [AVAILABLE, AVAILABLE]
    change(capacity=2)
    assert availability(client, open_edition) == FULL
    change(capacity=500)
    assert option not in client.get(form_path(open_edition)).content.decode()
    change(quota=1)
    assert option in client.get(form_path(open_edition)).content.decode()
    assert availability(client, open_edition) == AVAILABLE


def test_registration_form_page_cached_shows_a_visitors_message(client, open_edition):
    """After erasing one's registration the form comes back with a message for that visitor
    only: rendered for them, while other visitors get the cached page."""
    said = "Your registration and your personal data are deleted."
    client.get(form_path(open_edition))
    open_registration(client, RegistrationFactory(edition=open_edition), lang="en")
    page = client.post(url("registration_erase", lang="en"), follow=True)
    assert (page.redirect_chain[-1][0], said in page.content.decode()) == (
        form_path(open_edition),
        True,
    )
    assert said not in type(client)().get(form_path(open_edition)).content.decode()
    assert said not in client.get(form_path(open_edition)).content.decode()  # said once


def test_registration_form_page_cached_not_served_to_a_signed_in_user(client, open_edition):
    client.get(form_path(open_edition))
    client.force_login(UserFactory())
    page = client.get(form_path(open_edition)).content.decode()
    assert f'action="{reverse("logout")}"' in page


# --- The organizers' pages: the edition, its provinces and the editions, kept -------------------


@pytest.fixture
def shared_cache(settings):
    """A cache every server process shares (CACHE_URL in production): the organizers' pages
    keep what they read of an edition only then."""
    settings.SHARED_CACHE = True


@pytest.mark.parametrize(
    ("page", "kept"),
    [
        # the edition, its participants, the editions offered
        ("registration_list", 3),
        # the edition, its participants
        ("dashboard", 2),
        # the edition
        ("checkin", 1),
    ],
)
def test_organizer_pages_read_the_edition_once_kept(
    page, kept, settings, client, open_edition, django_assert_num_queries
):
    client.force_login(UserFactory(roles=["organizer"]))
    RegistrationFactory(edition=open_edition, status="checked_in")
    if page == "checkin":
        target = url(page, open_edition.number)
    else:
        target = url(page) + f"?edition={open_edition.number}"
    client.get(target)  # the session, the seat counts
    with CaptureQueriesContext(connection) as read:
        read_page = client.get(target)
    queries = len(read)  # the log starts afresh with each request
    settings.SHARED_CACHE = True
    client.get(target)
    with django_assert_num_queries(queries - kept):
        kept_page = client.get(target)
    assert TOKEN.sub("", kept_page.content.decode()) == TOKEN.sub("", read_page.content.decode())


def test_organizer_list_kept_edition_fresh_after_a_quota_or_a_province_change(
    shared_cache, client, open_edition, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(roles=["organizer"]))
    target = url("registration_list") + f"?edition={open_edition.number}"

    def quotas():
        page = client.get(target)
        return {p.unit.name: p.quota for p in page.context["per_unit"]}

    hanoi = current_unit("01")
    assert quotas() == {hanoi.name: 2, current_unit("31").name: None}
    with django_capture_on_commit_callbacks(execute=True):
        participant = EditionParticipant.objects.get(edition=open_edition, unit=hanoi)
        participant.quota = 7
        participant.save()
    assert quotas() == {hanoi.name: 7, current_unit("31").name: None}
    with django_capture_on_commit_callbacks(execute=True):
        ProvincialUnit.objects.filter(pk=hanoi.pk).first().save()  # any save moves the version
        EditionParticipant.objects.filter(unit=current_unit("31"), edition=open_edition).delete()
    assert quotas() == {hanoi.name: 7}


def test_organizer_pages_keep_nothing_without_a_shared_cache(
    client, open_edition, django_assert_num_queries
):
    client.force_login(UserFactory(roles=["organizer"]))
    target = url("dashboard") + f"?edition={open_edition.number}"
    client.get(target)
    with CaptureQueriesContext(connection) as read:
        client.get(target)
    queries = len(read)
    with django_assert_num_queries(queries):
        client.get(target)


def test_checkin_desk_of_no_such_edition_not_found_kept_or_not(shared_cache, client):
    client.force_login(UserFactory(roles=["organizer"]))
    assert [client.get(url("checkin", 999)).status_code for _ in range(2)] == [404, 404]
