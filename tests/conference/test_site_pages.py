"""Site-wide pages and addresses: the CSRF failure page, /vi/ addresses, the favicon, the login
link's ``next``."""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.html import texts

pytestmark = pytest.mark.django_db


# The CSRF failure page ------------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_csrf_failure_page_explains_in_vietnamese_and_links_back(csrf_client):
    response = csrf_client.post(
        "/accounts/login/",
        {"username": "lan", "password": "x"},
        HTTP_REFERER="http://testserver/accounts/login/?next=/provinces/",
    )

    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    assert response.context["LANGUAGE_CODE"] == "vi"
    assert (
        'class="btn btn-primary csrf-back" href="http://testserver/accounts/login/?next=/provinces/"'
        in response.content.decode()
    )


def test_csrf_failure_page_in_english(csrf_client):
    response = csrf_client.post(
        "/en/accounts/login/",
        {"username": "lan", "password": "x"},
        HTTP_REFERER="http://testserver/en/accounts/login/",
    )

    assert response.status_code == 403
    assert texts(response, tag="h1") == ["The form has expired"]
    assert texts(response, tag="p")[:3] == [
        "What you sent could not be accepted, for your protection: the form was open for too "
        "long, or your browser did not send this site's security cookie. Nothing has been saved.",
        "Please go back to the page, reload it and send the form again.",
        "If this happens again, allow cookies for this site in your browser's settings (a cookie "
        "is needed to send forms safely), then reload the page.",
    ]
    assert texts(response, "csrf-back") == ["Back to the page"]
    assert 'class="btn btn-primary csrf-back" href="http://testserver/en/accounts/login/"' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "referer",
    ["", "https://evil.example/form/", "//evil.example/", "javascript:alert(1)"],
)
def test_csrf_failure_page_links_home_when_the_referer_is_elsewhere(csrf_client, referer):
    response = csrf_client.post("/en/accounts/login/", {}, HTTP_REFERER=referer)

    assert response.status_code == 403
    assert 'class="btn btn-primary csrf-back" href="/en/"' in response.content.decode()
    assert "evil" not in response.content.decode()


def test_csrf_failure_page_for_a_logged_in_user_keeps_the_menu(csrf_client):
    csrf_client.force_login(UserFactory(username="lan", full_name="Trần Thị Lan"))

    response = csrf_client.post("/en/accounts/logout/", {}, HTTP_REFERER="http://testserver/en/")

    assert response.status_code == 403
    assert texts(response, "user-menu-name") == ["Trần Thị Lan"]
    assert texts(response, "nav-link") == ["Home", "Editions", "Provinces"]


# /vi/ addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/vi/", "/"),
        ("/vi/provinces/", "/provinces/"),
        ("/vi/provinces/?q=ha+giang", "/provinces/?q=ha+giang"),
        ("/vi/editions/10/", "/editions/10/"),
        ("/vi//evil.example/", "/evil.example/"),
    ],
)
def test_vietnamese_prefix_redirects_permanently_to_the_unprefixed_address(client, path, target):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (301, target)


def test_vietnamese_prefix_redirect_lands_on_the_vietnamese_page(client):
    response = client.get("/vi/provinces/", follow=True)

    assert response.redirect_chain == [("/provinces/", 301)]
    assert (response.status_code, response.context["LANGUAGE_CODE"]) == (200, "vi")
    assert texts(response, tag="h1") == ["Tỉnh, thành phố"]


# Favicon ----------------------------------------------------------------------------------------


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (302, "/static/conference/favicon.svg")


def test_pages_link_the_favicon(client):
    response = client.get("/en/")

    assert '<link rel="icon" href="/static/conference/favicon.svg" type="image/svg+xml">' in (
        response.content.decode()
    )


# The login link ---------------------------------------------------------------------------------


def test_login_link_keeps_the_query_string(client):
    response = client.get("/en/provinces/", {"q": "ha giang", "edition": "10"})

    assert texts(response, "btn-light")[-1] == "Log in"
    assert (
        'href="/en/accounts/login/?next=/en/provinces/%3Fq%3Dha%2Bgiang%26edition%3D10"'
        in response.content.decode()
    )


def test_login_link_next_leads_back_to_the_search(client):
    UserFactory(username="lan", password="a-long-password-2024")
    client.get("/en/provinces/", {"q": "ha giang"})

    response = client.post(
        "/en/accounts/login/?next=/en/provinces/%3Fq%3Dha%2Bgiang",
        {"username": "lan", "password": "a-long-password-2024"},
    )

    assert (response.status_code, response["Location"]) == (302, "/en/provinces/?q=ha+giang")
