"""The browser infrastructure at work: the admin login in Vietnamese and in English."""

import pytest
from django.contrib import admin
from django.utils import translation

from conference.models import User
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _texts(language):
    with translation.override(language):
        return {
            "log_in": translation.gettext("Log in"),
            "index_title": str(admin.site.index_title),
            "log_out": translation.gettext("Log out"),
        }


@pytest.mark.parametrize(("prefix", "language"), [("", "vi"), ("/en", "en")])
def test_admin_login_shows_the_admin_index(page, prefix, language):
    User.objects.create_superuser(
        username="quantri", email="quantri@example.vn", password=PASSWORD, full_name="Lê Thị Hoa"
    )
    texts = _texts(language)

    page.goto(f"{prefix}/admin/")

    assert page.url.endswith(f"{prefix}/admin/login/?next={prefix}/admin/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("input[type=submit]").get_attribute("value") == texts["log_in"]

    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.wait_for_url(f"**{prefix}/admin/")
    assert page.locator("#content h1").inner_text() == texts["index_title"]
    assert page.locator("#logout-form button").text_content().strip() == texts["log_out"]
    # The admin greets the user by the short name: the given name, last word of the full name.
    assert page.locator("#user-tools strong").text_content() == "Hoa"
