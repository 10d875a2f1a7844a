"""Staff entry in a browser, in Vietnamese and English: an organizer enters one delegate by the
form; a liaison imports a delegation from a file with one bad row (the report, nothing written),
fixes the file and imports it (the preview, then every row written)."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from conference.forms.staff_entry import COLUMNS
from conference.models import EditionParticipant, Registration
from tests.browser.helpers import log_in
from tests.factories import EditionFactory, LiaisonFactory, UserFactory, current_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


TEXTS = {
    "": {
        "enter": "Nhập một đại biểu",
        "enter_button": "Nhập đại biểu",
        "from_file": "Nhập đại biểu từ tệp",
        "check": "Kiểm tra tệp",
        "entered": "Đã nhập và xác nhận Jean Dupont.",
        "nothing": "Chưa nhập đại biểu nào: có 1 lỗi cần sửa trong tệp",
        "phone_column": "Điện thoại",
        "confirm": "Nhập 2 đại biểu này",
        "done": "Đã nhập 2 đại biểu: 2 đã xác nhận, 0 trong danh sách chờ.",
        "none": "Không có: do cán bộ nhập thay; không gửi thư cho đại biểu này",
    },
    "/en": {
        "enter": "Enter a delegate",
        "enter_button": "Enter the delegate",
        "from_file": "Enter delegates from a file",
        "check": "Check the file",
        "entered": "Jean Dupont is entered and confirmed.",
        "nothing": "Nothing was entered: 1 problem to fix in the file",
        "phone_column": "Phone",
        "confirm": "Enter these 2 delegates",
        "done": "2 delegates entered: 2 confirmed, 0 on the waiting list.",
        "none": "None: entered by staff; nothing is emailed to this delegate",
    },
}


@pytest.fixture
def edition():
    now = timezone.now()
    edition = EditionFactory(
        date=(now + datetime.timedelta(days=30)).date(),
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=20),
        capacity=100,
    )
    EditionParticipant.objects.create(edition=edition, unit=current_unit("01"), quota=5)
    return edition


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_organizer_enters_one_delegate_by_the_form(page, edition, prefix):
    text = TEXTS[prefix]
    UserFactory(username="bantochuc", roles=["organizer"])
    log_in(page, "bantochuc", prefix=prefix, lands_on="/dashboard/")
    page.get_by_role("link", name=text["enter"]).click()
    assert page.locator("h1").inner_text() == text["enter"]
    page.check("input[name=salutation][value=ong]")
    page.fill("input[name=full_name]", "Jean Dupont")
    page.fill("input[name=position]", "Attaché")
    page.select_option("select[name=organisation_kind]", "guest")
    page.fill("input[name=organisation_name]", "Ambassade de France")
    page.fill("input[name=phone]", "+33 1 23 45 67 89")
    page.check("input[name=consent]")
    page.get_by_role("button", name=text["enter_button"], exact=True).click()
    page.wait_for_url("**/registrations/*/")
    assert page.locator("h1").inner_text() == "Jean Dupont"
    assert page.locator(".alert-success").inner_text() == text["entered"]
    assert text["none"] in page.locator("dl").inner_text()
    registration = Registration.objects.get()
    assert (registration.status, registration.email, registration.phone) == (
        "confirmed",
        "",
        "+33123456789",
    )


def _file(rows) -> dict:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        writer.writerow([row.get(column.key, "") for column in COLUMNS])
    return {"name": "doan.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_liaison_imports_a_delegation_fixing_a_bad_row(page, edition, prefix):
    text = TEXTS[prefix]
    LiaisonFactory(username="lienlac")
    log_in(page, "lienlac", prefix=prefix, lands_on=f"/editions/{edition.number}/delegation/")
    page.get_by_role("link", name=text["from_file"]).click()
    assert page.locator("h1").inner_text() == text["from_file"]

    first = {
        "full_name": "Nguyễn Thị Hiền",
        "salutation": "Bà",
        "position": "Phó Giám đốc Sở",
        "organisation_name": "Sở Công Thương Hà Nội",
        "phone": "0912 345 678",
    }
    second = {**first, "full_name": "Trần Văn Bình", "salutation": "Ông", "phone": "0912 345"}
    page.set_input_files("input[name=file]", _file([first, second]))
    page.check("input[name=consent]")
    page.get_by_role("button", name=text["check"]).click()
    report = page.locator("[data-import-report]")
    assert report.locator("h2").inner_text() == text["nothing"]
    assert report.locator("tbody tr").all_inner_texts()[0].split("\t")[:2] == [
        "3",
        text["phone_column"],
    ]
    assert Registration.objects.count() == 0

    second["phone"] = "024 3825 1234 máy lẻ 12"
    page.set_input_files("input[name=file]", _file([first, second]))
    page.check("input[name=consent]")
    page.get_by_role("button", name=text["check"]).click()
    assert page.locator("[data-import-preview] tbody tr").count() == 2
    assert Registration.objects.count() == 0
    page.get_by_role("button", name=text["confirm"]).click()
    page.wait_for_url(f"**{prefix}/editions/{edition.number}/delegation/")
    assert page.locator(".alert-success").inner_text() == text["done"]
    assert sorted(Registration.objects.values_list("full_name", "status", "phone")) == [
        ("Nguyễn Thị Hiền", "confirmed", "+84912345678"),
        ("Trần Văn Bình", "confirmed", "+842438251234;ext=12"),
    ]
