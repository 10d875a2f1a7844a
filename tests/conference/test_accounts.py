import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator

from conference.models import Notification, User
from tests.factories import UserFactory
from tests.html import page_text, texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


PASSWORD = "mat-khau-an-toan-2024"


def test_login_with_the_right_password_goes_home_with_the_name_in_the_menu(client):
    UserFactory(username="lan", full_name="Phạm Ngọc Lan")

    response = client.post(
        "/en/accounts/login/", {"username": "lan", "password": PASSWORD}, follow=True
    )

    # A user without a role: the workspace sends them home.
    assert response.redirect_chain == [("/en/workspace/", 302), ("/en/", 302)]
    assert response.context["user"].username == "lan"
    assert texts(response, "dropdown-toggle") == ["Phạm Ngọc Lan"]
    assert texts(response, "dropdown-item") == ["Change password", "Log out"]


def test_login_returns_to_the_page_asked_for(client):
    UserFactory(username="lan")

    response = client.post(
        "/en/accounts/login/",
        {"username": "lan", "password": PASSWORD, "next": "/en/editions/10/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/editions/10/"


def test_login_with_a_wrong_password_explains(client):
    UserFactory(username="lan")

    response = client.post("/en/accounts/login/", {"username": "lan", "password": "sai"})

    assert response.status_code == 200
    assert texts(response, "error-summary") == [
        "There is a problem to correct: Please enter a correct username and password. Note that "
        "both fields may be case-sensitive."
    ]
    title = re.search(r"<title>(.*)</title>", response.content.decode()).group(1)
    assert title == "Error: Log in · Northern Industry and Trade Conference"
    assert response.context["user"].is_authenticated is False


def test_menu_shows_the_admin_link_to_staff_only(client):
    staff = UserFactory(username="staff", is_staff=True)
    member = UserFactory(username="member")

    client.force_login(member)
    assert "Admin" not in texts(client.get("/en/"), "nav-link")
    client.force_login(staff)
    assert texts(client.get("/en/"), "nav-link") == [
        "Home", "Editions", "Provinces", "Check-in", "Admin",
    ]  # fmt: skip


def test_menu_offers_each_role_its_work_pages(client):
    from tests.factories import LiaisonFactory

    client.force_login(UserFactory(username="org", roles=["organizer"]))
    assert texts(client.get("/en/"), "nav-link") == [
        "Home", "Editions", "Provinces", "Registrations", "Proposals", "Check-in",
    ]  # fmt: skip
    client.force_login(LiaisonFactory(username="lia"))
    assert texts(client.get("/en/"), "nav-link") == [
        "Home", "Editions", "Provinces", "My delegation", "Our proposals",
    ]  # fmt: skip
    client.force_login(UserFactory(username="rev", roles=["reviewer"]))
    assert texts(client.get("/en/"), "nav-link") == ["Home", "Editions", "Provinces", "My reviews"]


def test_anonymous_menu_offers_login(client):
    response = client.get("/en/editions/")

    assert texts(response, "btn-light") == ["English", "Log in"]
    assert 'href="/en/accounts/login/?next=/en/editions/"' in response.content.decode()


def test_logout_is_a_post_and_says_so(client):
    user = UserFactory(username="lan")
    client.force_login(user)

    assert client.get("/en/accounts/logout/").status_code == 405
    response = client.post("/en/accounts/logout/", follow=True)

    assert response.redirect_chain == [("/en/", 302)]
    assert response.context["user"].is_authenticated is False
    assert texts(response, "alert-info") == ["You have been logged out."]


def test_password_change_needs_login(client):
    response = client.get("/en/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/accounts/password_change/"


def test_password_change_sets_the_new_password(client):
    user = UserFactory(username="lan")
    client.force_login(user)

    response = client.post(
        "/en/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-2025",
            "new_password2": "mot-mat-khau-moi-2025",
        },
        follow=True,
    )

    assert response.redirect_chain == [("/en/accounts/password_change/done/", 302)]
    assert texts(response, "alert-success") == ["Your password has been changed."]
    user.refresh_from_db()
    assert user.check_password("mot-mat-khau-moi-2025")


def test_password_change_with_a_wrong_old_password_explains(client):
    user = UserFactory(username="lan")
    client.force_login(user)

    response = client.post(
        "/en/accounts/password_change/",
        {
            "old_password": "sai",
            "new_password1": "mot-mat-khau-moi-2025",
            "new_password2": "mot-mat-khau-moi-2025",
        },
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly. Please enter it again." in page_text(
        response
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(username="lan", full_name="Phạm Ngọc Lan", email="lan@example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/password_reset/", {"email": "lan@example.vn"})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["lan@example.vn"]
    assert email.subject == "[Northern Industry and Trade Conference] Reset your password"
    assert email.body.startswith("Hello Phạm Ngọc Lan,")
    assert "Your username is: lan" in email.body
    link = re.search(r"http://127.0.0.1:8000(/en/accounts/reset/\S+/)", email.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "mot-mat-khau-moi-2025", "new_password2": "mot-mat-khau-moi-2025"},
        follow=True,
    )

    assert done.redirect_chain == [("/en/accounts/reset/done/", 302)]
    assert texts(done, "alert-success") == ["Your new password has been set. You can log in now."]
    user.refresh_from_db()
    assert user.check_password("mot-mat-khau-moi-2025")


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, mailoutbox
):
    response = client.post("/en/accounts/password_reset/", {"email": "ai@example.vn"}, follow=True)

    assert response.redirect_chain == [("/en/accounts/password_reset/done/", 302)]
    assert mailoutbox == []


def test_password_reset_with_a_broken_link_explains(client):
    response = client.get("/en/accounts/reset/MQ/set-password/")

    assert texts(response, "alert-danger") == [
        "This link is not valid, perhaps because it has already been used or has expired. "
        "Ask for a new one."
    ]


def test_password_reset_email_in_vietnamese_by_default(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="lan", email="lan@example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": "lan@example.vn"})

    assert len(mailoutbox) == 1
    assert "http://127.0.0.1:8000/accounts/reset/" in mailoutbox[0].body


def test_five_wrong_passwords_lock_the_login(client):
    UserFactory(username="lan")

    for _attempt in range(4):
        response = client.post("/en/accounts/login/", {"username": "lan", "password": "sai"})
        assert response.status_code == 200
    response = client.post("/en/accounts/login/", {"username": "lan", "password": "sai"})

    assert response.status_code == 429
    assert texts(response, "alert-danger") == [
        "Too many failed login attempts: after 5 wrong passwords, login is locked for this "
        "account from your computer."
    ]
    assert "Try again in 60 minutes." in page_text(response)

    # even the right password is refused while the lock lasts
    response = client.post("/en/accounts/login/", {"username": "lan", "password": PASSWORD})
    assert response.status_code == 429
    assert response.context["user"].is_authenticated is False
    assert User.objects.get(username="lan").last_login is None


def test_login_lock_behind_a_proxy_falls_on_the_visitor_not_on_the_proxy(client, settings):
    """Behind nginx every request comes from 127.0.0.1: the lock must fall on the visitor's
    address (X-Forwarded-For through the trusted proxy), or anyone could lock anyone out."""
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    UserFactory(username="lan")

    def login(password, forwarded):
        return client.post(
            "/en/accounts/login/",
            {"username": "lan", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    # the attacker's five wrong passwords, the last ones under a forged left-most address
    attacker = [login("sai", "203.0.113.5").status_code for _ in range(3)]
    attacker += [login("sai", "198.51.100.7, 203.0.113.5").status_code for _ in range(2)]
    locked = login(PASSWORD, "198.51.100.7, 203.0.113.5").status_code
    owner = login(PASSWORD, "198.51.100.7")

    assert (attacker, locked, owner.status_code, owner["Location"]) == (
        [200, 200, 200, 200, 429],
        429,
        302,
        "/en/workspace/",
    )
    # one record, on the attacker's address (the locked-out sixth try counts as a failure too)
    assert list(
        AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    ) == [("lan", "203.0.113.5", 6)]


# --- Password reset through the outbox, limits per address and per client (issue 10) -----------


def test_password_reset_is_queued_in_the_outbox_without_its_token(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(username="lan", email="lan@example.vn")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/en/accounts/password_reset/", {"email": "lan@example.vn"})
    assert mailoutbox == []  # nothing is sent while the request runs
    row = Notification.objects.get(kind="password_reset")
    # The context the task renders it from holds the placeholder, not the token.
    assert re.findall(r"/accounts/reset/[^/]+/([^/]+)/$", row.context["reset_url"]) == ["~token~"]
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    (stored,) = set(
        re.findall(r"/accounts/reset/[^/]+/([^/\s\"]+)/", row.body_text + row.body_html)
    )
    assert stored == "~token~"  # and so do the bodies kept once it was sent
    (sent,) = re.findall(r"/accounts/reset/[^/]+/([^/\s]+)/", mailoutbox[0].body)
    assert default_token_generator.check_token(user, sent) is True


def test_password_reset_at_most_once_an_hour_per_address(client):
    UserFactory(username="lan", email="lan@example.vn")
    for _ in range(3):
        client.post("/en/accounts/password_reset/", {"email": "LAN@example.vn"})
    assert Notification.objects.filter(kind="password_reset").count() == 1


def test_password_reset_limited_per_client(client, settings):
    settings.PASSWORD_RESET_POSTS = 3
    statuses = [
        client.post("/en/accounts/password_reset/", {"email": f"ai{n}@example.vn"}).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


def test_login_one_client_spraying_many_usernames_is_stopped(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = 5
    UserFactory(username="lan")
    for n in range(5):
        response = client.post(
            "/en/accounts/login/", {"username": f"nguoi{n}", "password": "Matkhau2024"}
        )
        assert response.status_code == 200
    # The sixth try, even with the right password of an existing account, is refused.
    response = client.post("/en/accounts/login/", {"username": "lan", "password": PASSWORD})
    assert response.status_code == 429
    assert texts(response, "alert-warning") == [
        "Too many attempts from your connection. Please wait 60 minutes and try again."
    ]
    assert User.objects.get(username="lan").last_login is None


def test_login_spraying_limit_counts_per_client(client, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = 2
    for n in range(2):
        client.post(
            "/en/accounts/login/",
            {"username": f"nguoi{n}", "password": "x"},
            REMOTE_ADDR="192.0.2.1",
        )
    UserFactory(username="lan")
    response = client.post(
        "/en/accounts/login/", {"username": "lan", "password": PASSWORD}, REMOTE_ADDR="192.0.2.2"
    )
    assert response.status_code == 302


def test_superuser_session_is_shorter(client, settings):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    UserFactory(username="lan")
    client.post("/en/accounts/login/", {"username": "root", "password": PASSWORD})
    superuser_age = client.session.get_expiry_age()
    client.logout()
    client.post("/en/accounts/login/", {"username": "lan", "password": PASSWORD})
    assert (superuser_age, client.session.get_expiry_age()) == (
        settings.SUPERUSER_SESSION_SECONDS,
        settings.SESSION_COOKIE_AGE,
    )


def test_staff_cannot_make_itself_a_liaison(client):
    from django.contrib.auth.models import Permission

    from provinces.models import Department, DepartmentMember

    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="provinces"))
    client.force_login(staff)
    department = Department.objects.filter(unit__valid_until__isnull=True).first()
    response = client.post(
        "/en/admin/provinces/departmentmember/add/",
        {"user": staff.pk, "department": department.pk, "position": "", "is_liaison": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "user": ["You cannot make yourself a member of a department; ask a superuser."]
    }
    assert DepartmentMember.objects.filter(user=staff).exists() is False
