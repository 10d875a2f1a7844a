"""The navigation bar at the widths people use: one row from 1200 px, the menu button below."""

from unicodedata import normalize

import pytest

from conference.models import User
from tests.browser.helpers import log_in
from tests.factories import PASSWORD, LiaisonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Every link and button of the bar: its text, whether it breaks over lines, whether it sticks out
# of the bar's container.
MEASURE = """() => {
  const nav = document.querySelector("nav.site-navbar");
  const box = nav.querySelector(".container").getBoundingClientRect();
  return [...nav.querySelectorAll(".site-nav .nav-link, .language-switch .btn, .user-menu")]
    .filter(e => e.offsetParent !== null)
    .map(e => {
      const r = e.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(e).lineHeight);
      return [e.textContent.trim(), r.height - parseFloat(getComputedStyle(e).paddingTop)
              - parseFloat(getComputedStyle(e).paddingBottom) > 1.5 * lineHeight,
              r.right > box.right + 0.5];
    });
}"""


def _admin():
    return User.objects.create_superuser(
        username="quantri", email="qt@example.vn", password=PASSWORD, full_name="Quản trị hệ thống"
    )


@pytest.mark.parametrize("width", [1200, 1366, 1440])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_navigation_of_an_administrator_fits_on_one_row(page, width, prefix):
    _admin()
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "quantri", prefix="/en")

    page.goto(f"{prefix}/")

    items = page.evaluate(MEASURE)
    menu = (
        [
            "Trang chủ",
            "Các kỳ hội nghị",
            "Tỉnh, thành phố",
            "Danh sách đăng ký",
            "Thẩm định của tôi",
            "Kiến nghị, đề xuất",
            "Điểm danh đại biểu",
            "Quản trị",
        ]
        if prefix == ""
        else [
            "Home",
            "Editions",
            "Provinces",
            "Registrations",
            "My reviews",
            "Proposals",
            "Check-in",
            "Admin",
        ]
    )
    # below 1400 px only the other language's button shows (as "EN" / "VI")
    languages = ["Tiếng Việt", "English"]
    if width < 1400:
        languages = ["English"] if prefix == "" else ["Tiếng Việt"]
    assert [normalize("NFC", text) for text, _wraps, _sticks_out in items] == [
        *menu,
        *languages,
        "Quản trị hệ thống",
    ]
    assert [(wraps, sticks_out) for _text, wraps, sticks_out in items] == [(False, False)] * len(
        items
    )
    tops = page.evaluate(
        "() => [...document.querySelectorAll('.site-nav .nav-link')].map(e => "
        "Math.round(e.getBoundingClientRect().top))"
    )
    # One row in English; the longer Vietnamese names of an administrator's eight items take a
    # second row of whole items (site.css), never an item broken or out of the bar.
    assert len(set(tops)) == (1 if prefix else 2)


@pytest.mark.parametrize("username", ["org", "lia"])
def test_navigation_of_organizer_and_liaison_fits_at_1366(page, username):
    UserFactory(username="org", roles=["organizer"])
    LiaisonFactory(username="lia")
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, username, prefix="/en")

    items = page.evaluate(MEASURE)

    assert [(wraps, sticks_out) for _text, wraps, sticks_out in items] == [(False, False)] * len(
        items
    )


def test_navigation_folds_behind_the_menu_button_at_1024(page):
    _admin()
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, "quantri", prefix="/en")

    assert page.locator(".navbar-toggler").is_visible()
    assert page.locator("#site-menu").is_visible() is False
    page.click(".navbar-toggler")
    page.locator("#site-menu.show").wait_for()
    items = page.evaluate(MEASURE)
    assert [(wraps, sticks_out) for _text, wraps, sticks_out in items] == [(False, False)] * len(
        items
    )
