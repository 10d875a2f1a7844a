"""The flag's journey as a person reads it: without JavaScript, on a phone, and printed."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_flag_journey_reads_without_javascript_and_prints_without_the_menu(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        locale="vi-VN",
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    try:
        page.goto("/flag/")

        assert page.locator("h1").inner_text() == "Hành trình cờ đăng cai"
        editions = page.locator("li.journey-edition").all_inner_texts()
        assert len(editions) == 7
        assert "Trao cờ" not in editions[0]
        assert (
            "Nhận cờ tại Hội nghị lần thứ IX, ngày 28/07/2023 — Hạ Long, Quảng Ninh"
            in (editions[5])
        )
        assert "Sở Công Thương Hà Giang" in editions[6]
        # Nothing sticks out of a 390 px screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.emulate_media(media="print")
        assert page.locator("nav.site-navbar").is_hidden()
        assert page.locator("li.journey-edition").first.is_visible()
    finally:
        context.close()
