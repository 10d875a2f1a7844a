"""What a person sees on the home page and the X edition page, in Vietnamese and in English."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_shows_the_latest_edition_and_the_host_chain_in_vietnamese(page):
    page.goto("/")

    assert page.locator("html").get_attribute("lang") == "vi"
    body = page.locator("main").inner_text()
    assert "Hội nghị ngành Công Thương các tỉnh, thành phố khu vực phía Bắc lần thứ XI" in body
    assert "Hà Giang (nay thuộc tỉnh Tuyên Quang)" in body
    assert "17/10/2025" in body
    chain = page.locator("ol.timeline > li").all_inner_texts()
    for host in ["Phú Thọ", "Nghệ An", "Hải Phòng", "Thanh Hóa", "Quảng Ninh", "Hà Nội"]:
        assert any(host in line for line in chain), host
    assert len(chain) == 7


def test_x_edition_page_in_vietnamese_then_english(page):
    page.goto("/editions/10/")

    body = page.locator("main").inner_text()
    assert "17/05/2024" in body
    assert "Nguyễn Sinh Nhật Tân" in body
    assert "Thứ trưởng Bộ Công Thương" in body
    assert "Phó Chủ tịch Thường trực UBND Hà Nội" in body
    assert "trao cờ đăng cai Hội nghị lần thứ XI, năm 2025 cho Sở Công Thương Hà Giang" in body
    assert "550" in body

    page.get_by_role("button", name="English").first.click()
    page.wait_for_url("**/en/editions/10/")
    body = page.locator("main").inner_text()
    assert "17/05/2024" in body
    assert "Standing Vice Chairman of the Hà Nội People's Committee" in body
    assert "Deputy Minister of Industry and Trade" in body


def test_editions_timeline_names_xi_host_as_it_was(page):
    page.goto("/en/editions/")
    body = page.locator("main").inner_text()
    assert "Hà Giang (now part of Tuyên Quang)" in body
    for ordinal in ["IV", "V", "VI", "VIII", "IX", "X", "XI"]:
        assert page.get_by_role("link", name=ordinal, exact=False).count() >= 1
