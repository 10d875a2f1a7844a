"""A delegate registers, the email arrives, its link edits and then cancels the registration;
a liaison confirms a delegate. Headless Chromium against the live server (fixtures: conftest.py)."""

import datetime
import re
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from conference.models import EditionParticipant, Registration
from tests.factories import EditionFactory, LiaisonFactory, RegistrationFactory, current_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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


def _wait_for_mail(mailoutbox, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(mailoutbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mailoutbox) >= count


def test_delegate_registers_edits_and_cancels_by_the_emailed_link(page, edition, mailoutbox):
    page.goto(f"/editions/{edition.number}/register/")
    page.check("input[name=salutation][value=ba]")
    page.fill("input[name=full_name]", "Nguyễn Thị Hiền")
    page.fill("input[name=position]", "Phó Giám đốc Sở")
    page.select_option("select[name=organisation_kind]", "doit")
    page.fill("input[name=organisation_name]", "Sở Công Thương Hà Nội")
    page.select_option("select[name=unit]", str(current_unit("01").pk))
    page.fill("input[name=email]", "Hien.Nguyen@Example.vn")
    page.fill("input[name=phone]", "0912 345 678")
    page.fill("textarea[name=dietary_needs]", "Ăn chay")
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/register/sent/$"))
    assert page.locator("[data-sent-to]").inner_text() == "hien.nguyen@example.vn"

    _wait_for_mail(mailoutbox, 1)
    email = mailoutbox[0]
    assert email.to == ["hien.nguyen@example.vn"]
    link = re.search(r"https?://\S+/registration/manage/\S+/", email.body).group(0)
    page.goto(urlsplit(link).path)
    assert page.locator("[data-status]").first.get_attribute("data-status") == "unverified"
    # Confirming the address takes the seat (and sends the "received" email).
    page.click("main form[action$='/verify/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/registration/manage/$"))
    assert page.locator("[data-status]").first.get_attribute("data-status") == "pending"
    _wait_for_mail(mailoutbox, 2)
    assert "0912 345 678" in page.inner_text("main")

    page.click("a[href$='/edit/']")
    page.fill("input[name=full_name]", "Nguyễn Thị Thu Hiền")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/registration/manage/$"))
    assert "Nguyễn Thị Thu Hiền" in page.inner_text("main")

    page.click("a[href$='/cancel/']")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/registration/manage/$"))
    assert page.locator("[data-status]").first.get_attribute("data-status") == "cancelled"
    registration = Registration.objects.get()
    assert (registration.full_name, registration.status) == ("Nguyễn Thị Thu Hiền", "cancelled")
    _wait_for_mail(mailoutbox, 3)
    assert [m.to for m in mailoutbox] == [["hien.nguyen@example.vn"]] * 3


def test_liaison_confirms_a_delegate(page, browser_context, live_server, edition):
    delegate = RegistrationFactory(edition=edition, full_name="Trần Văn Bình")
    liaison = LiaisonFactory()
    client = Client()
    client.force_login(liaison)
    browser_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/editions/{edition.number}/delegation/")
    row = page.locator(f"tr[data-registration='{delegate.pk}']")
    assert "Trần Văn Bình" in row.inner_text()
    with page.expect_navigation():
        row.locator("button[value=confirm]").click()
    row = page.locator(f"tr[data-registration='{delegate.pk}']")
    assert row.locator("[data-status]").first.get_attribute("data-status") == "confirmed"
    assert page.locator("[data-figure=used]").inner_text() == "1"
    delegate.refresh_from_db()
    assert delegate.status == "confirmed"
