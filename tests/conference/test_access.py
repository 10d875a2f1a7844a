"""The signed-in user read from the shared cache (conference.access) and the sessions read
through it (conference.sessions), as production runs them with CACHE_URL: a change of who
someone is takes effect on their very next request."""

import pickle

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from redis.backoff import NoBackoff
from redis.retry import Retry

from conference import access
from conference.models import User
from conference.predicates import ORGANIZER
from provinces.models import DepartmentMember
from tests.factories import PASSWORD, LiaisonFactory, UserFactory, department

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]

WORKSPACE = "/en/workspace/"
# Where the workspace sends each role (conference.views.dashboard.workspace).
ORGANIZERS_PAGE = "/en/dashboard/"
LIAISONS_PAGE = "/en/delegation/"
HOME = "/en/"
LOGIN = "/en/accounts/login/?next=/en/workspace/"


@pytest.fixture
def shared_cache(settings, fresh_cache):
    """What CACHE_URL turns on (tests otherwise run with the per-process default, where both are
    off): the access records and the cached sessions, in an empty cache."""
    settings.ACCESS_CACHE_SECONDS = 300
    settings.SESSION_ENGINE = "conference.sessions"


def lands_on(client) -> str:
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    return response["Location"]


def log_in(client, user) -> None:
    response = client.post("/en/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def signed_in(user):
    client = Client()
    log_in(client, user)
    lands_on(client)  # the record and the session are in the cache now
    return client


def test_signed_in_page_reads_who_the_user_is_from_the_cache(open_edition):
    client = signed_in(UserFactory(roles=[ORGANIZER]))

    with CaptureQueriesContext(connection) as queries:
        page = client.get(ORGANIZERS_PAGE, {"edition": open_edition.number})

    assert page.status_code == 200
    tables = ("django_session", "conference_user", "auth_group", "provinces_departmentmember")
    assert [q["sql"] for q in queries if any(f'"{t}"' in q["sql"] for t in tables)] == []


def test_first_request_reads_the_user_with_their_department_and_groups_in_two_queries():
    liaison = LiaisonFactory()
    client = signed_in(liaison)
    cache.delete(access._record_key(liaison.pk))

    with CaptureQueriesContext(connection) as queries:
        assert lands_on(client) == LIAISONS_PAGE

    assert len(queries) == 2  # the session is in the cache


def test_deactivated_user_is_logged_out_on_their_next_request():
    organizer = UserFactory(roles=[ORGANIZER])
    client = signed_in(organizer)

    organizer.is_active = False
    organizer.save()

    assert lands_on(client) == LOGIN


def test_organizer_removed_from_the_group_loses_access_on_their_next_request():
    organizer = UserFactory(roles=[ORGANIZER])
    client = signed_in(organizer)
    assert lands_on(client) == ORGANIZERS_PAGE

    organizer.groups.remove(Group.objects.get(name=ORGANIZER))

    assert lands_on(client) == HOME


def test_organizer_removed_from_the_groups_side_loses_access_on_their_next_request():
    organizer = UserFactory(roles=[ORGANIZER])
    client = signed_in(organizer)

    Group.objects.get(name=ORGANIZER).user_set.remove(organizer)

    assert lands_on(client) == HOME


def test_deleted_group_takes_its_role_away_on_the_next_request():
    organizer = UserFactory(roles=[ORGANIZER])
    client = signed_in(organizer)

    Group.objects.get(name=ORGANIZER).delete()

    assert lands_on(client) == HOME


def test_removed_liaison_loses_the_delegation_on_their_next_request():
    liaison = LiaisonFactory()
    client = signed_in(liaison)
    assert lands_on(client) == LIAISONS_PAGE

    DepartmentMember.objects.get(user=liaison).delete()

    assert lands_on(client) == HOME


def test_liaison_who_stops_being_one_loses_the_delegation_on_their_next_request():
    liaison = LiaisonFactory()
    client = signed_in(liaison)

    membership = DepartmentMember.objects.get(user=liaison)
    membership.is_liaison = False
    membership.save()

    assert lands_on(client) == HOME


def test_new_liaison_gets_the_delegation_on_their_next_request():
    user = UserFactory()
    client = signed_in(user)
    assert lands_on(client) == HOME

    DepartmentMember.objects.create(user=user, department=department("31"))

    assert lands_on(client) == LIAISONS_PAGE


def test_password_change_logs_out_the_other_sessions_not_the_one_that_changed_it():
    user = UserFactory(roles=[ORGANIZER])
    changer, elsewhere = signed_in(user), signed_in(user)

    response = changer.post(
        "/en/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-2025",
            "new_password2": "mot-mat-khau-moi-2025",
        },
    )

    assert response.status_code == 302
    assert lands_on(changer) == ORGANIZERS_PAGE
    assert lands_on(elsewhere) == LOGIN


def test_logout_ends_the_session_for_whoever_kept_its_cookie():
    client = signed_in(UserFactory(roles=[ORGANIZER]))
    cookie = client.cookies["sessionid"].value

    client.post("/en/accounts/logout/")
    client.cookies["sessionid"] = cookie

    assert lands_on(client) == LOGIN


def test_login_gives_a_new_session_key_and_ends_the_old_one():
    user = UserFactory(roles=[ORGANIZER])
    client = Client()
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key

    log_in(client, user)

    assert client.session.session_key != before
    assert client.session.exists(before) is False


def test_the_cache_keeps_no_password_hash():
    user = UserFactory(roles=[ORGANIZER])
    signed_in(user)

    record = cache.get(access._record_key(user.pk))

    stored = pickle.dumps(record)
    assert user.password.encode() not in stored
    assert set(record["user"]) == {
        field.attname for field in User._meta.concrete_fields if field.attname != "password"
    }


def test_a_change_made_without_save_counts_once_told():
    organizer = UserFactory(roles=[ORGANIZER])
    client = signed_in(organizer)

    User.objects.filter(pk=organizer.pk).update(is_active=False)
    assert lands_on(client) == ORGANIZERS_PAGE  # not heard of: the cached record still answers
    access.user_changed(organizer.pk)

    assert lands_on(client) == LOGIN


def test_a_lost_version_is_never_taken_for_an_old_one():
    organizer = UserFactory(roles=[ORGANIZER])
    client = signed_in(organizer)

    User.objects.filter(pk=organizer.pk).update(is_active=False)
    cache.delete(access._user_version_key(organizer.pk))  # evicted

    assert lands_on(client) == LOGIN


def test_signed_in_pages_work_while_the_cache_is_down(open_edition):
    organizer = UserFactory(roles=[ORGANIZER])
    client = signed_in(organizer)
    down = {
        "BACKEND": "conference.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "retry": Retry(NoBackoff(), 0)},
    }

    with override_settings(CACHES={"default": down}):
        assert lands_on(client) == ORGANIZERS_PAGE
        assert client.get(ORGANIZERS_PAGE, {"edition": open_edition.number}).status_code == 200
        client.post("/en/accounts/logout/")
        assert lands_on(client) == LOGIN
        log_in(client, organizer)
        assert lands_on(client) == ORGANIZERS_PAGE


ADMIN_LIST = "/en/admin/conference/registration/"
CHANGE_PASSWORD = '<a href="/en/admin/password_change/">Change password</a>'


def test_admin_page_knows_the_usable_password_from_the_cache():
    """The admin's "Change password" link (every admin page) without reading the password."""
    client = signed_in(UserFactory(is_staff=True, is_superuser=True))

    with CaptureQueriesContext(connection) as queries:
        page = client.get(ADMIN_LIST)

    assert CHANGE_PASSWORD in page.content.decode()
    assert [q["sql"] for q in queries if '"conference_user"' in q["sql"]] == []


def test_admin_page_without_usable_password_has_no_change_password_link():
    user = UserFactory(is_staff=True, is_superuser=True)
    client = signed_in(user)
    user.set_unusable_password()
    user.save()

    page = client.get(ADMIN_LIST)  # the session hash changed too: logged out

    assert page.status_code == 302
    client.force_login(user)
    pages = [client.get(ADMIN_LIST).content.decode() for _ in range(2)]  # the second: cached
    assert ["password_change" in page for page in pages] == [False, False]
