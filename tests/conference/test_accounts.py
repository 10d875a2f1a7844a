import re

import pytest
from axes.models import AccessAttempt

from conference.models import User
from tests.factories import UserFactory
from tests.html import page_text, texts

pytestmark = pytest.mark.django_db


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
    assert texts(response, "alert-danger") == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]
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
        "Home", "Editions", "Provinces", "Registrations", "Check-in",
    ]  # fmt: skip
    client.force_login(LiaisonFactory(username="lia"))
    assert texts(client.get("/en/"), "nav-link") == [
        "Home", "Editions", "Provinces", "My delegation",
    ]  # fmt: skip
    client.force_login(UserFactory(username="rev", roles=["reviewer"]))
    assert texts(client.get("/en/"), "nav-link") == ["Home", "Editions", "Provinces"]


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


def test_password_reset_sends_a_link_that_sets_a_new_password(client, mailoutbox):
    user = UserFactory(username="lan", full_name="Phạm Ngọc Lan", email="lan@example.vn")

    response = client.post("/en/accounts/password_reset/", {"email": "lan@example.vn"})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["lan@example.vn"]
    assert email.subject == "Reset your password for the Northern Industry and Trade Conference"
    assert email.body.startswith("Hello Phạm Ngọc Lan,")
    assert "Your username is: lan" in email.body
    link = re.search(r"http://testserver(/en/accounts/reset/\S+/)", email.body).group(1)

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


def test_password_reset_email_in_vietnamese_by_default(client, mailoutbox):
    UserFactory(username="lan", email="lan@example.vn")

    client.post("/accounts/password_reset/", {"email": "lan@example.vn"})

    assert len(mailoutbox) == 1
    assert "http://testserver/accounts/reset/" in mailoutbox[0].body


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
