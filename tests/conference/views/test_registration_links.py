"""The delegate's self-service link: opened once into the session (the token does not stay in
the address bar or the access log of the pages that follow), expiring after the edition, and
replaced when an organizer corrects the email address."""

import datetime
import re

import pytest
from django.core import signing
from django.utils import timezone

from conference.models import Notification, Registration
from conference.outbox import notification_deliver
from conference.services import registrations as services
from conference.signing import SALT, manage_token
from conference.views.shared import MANAGE_SESSION_KEY
from tests.factories import RegistrationFactory, UserFactory
from tests.html import open_registration, page_text, texts, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def _move_edition_back(edition, *, days_ago: int) -> None:
    edition.date = timezone.localdate() - datetime.timedelta(days=days_ago)
    edition.registration_opens_at = None
    edition.registration_closes_at = None
    edition.save()


def test_link_opens_the_registration_in_the_session_and_leaves_the_token_behind(
    client, open_edition
):
    registration = RegistrationFactory(edition=open_edition, full_name="Trần Thị Lan")
    client.get(url("registration_create", open_edition.number))  # a session existed before
    before = client.session.session_key

    response = client.get(url("registration_open", token=manage_token(registration)))

    assert (response.status_code, response.url) == (302, "/registration/manage/")
    assert response["Cache-Control"] == "private, no-store"
    assert client.session.session_key != before  # a new session id: none planted beforehand
    assert client.session[MANAGE_SESSION_KEY] == [registration.pk, open_edition.pk, 0]
    page = client.get("/registration/manage/")
    assert (page.status_code, page.context["registration"]) == (200, registration)
    # Every address on the page is free of the token.
    assert re.findall(r'(?:href|action)="(/registration/manage/[^"]*)"', page.content.decode()) == [
        "/registration/manage/edit/",
        "/registration/manage/cancel/",
        "/registration/manage/erase/",
    ]


def test_link_of_an_email_sent_before_links_had_versions_still_opens(client, open_edition):
    registration = RegistrationFactory(edition=open_edition)
    old_token = signing.dumps([registration.pk, open_edition.pk], salt=SALT, compress=True)

    response = client.get(url("registration_open", token=old_token))

    assert (response.status_code, response.url) == (302, "/registration/manage/")
    assert client.get("/registration/manage/").context["registration"] == registration


def test_pages_without_an_opened_link_explain_what_to_do(client, open_edition):
    RegistrationFactory(edition=open_edition)
    answers = {
        name: client.get(url(name, lang="en"))
        for name in (
            "registration_manage",
            "registration_edit",
            "registration_cancel",
            "registration_erase",
            "badge_delegate",
        )
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 403)
    assert texts(answers["registration_manage"], "alert") == [
        "This page shows your registration once you have opened the link in your email in this "
        "browser. Please open that link again (your visit may have ended, or the page was opened "
        "in another browser)."
    ]
    assert client.post(url("registration_verify")).status_code == 403
    assert Registration.objects.get().status == Registration.Status.PENDING


def test_link_expires_manage_link_days_after_the_edition(client, open_edition, settings):
    settings.MANAGE_LINK_DAYS = 30
    registration = RegistrationFactory(edition=open_edition, status="confirmed")
    open_registration(client, registration, lang="en")
    _move_edition_back(open_edition, days_ago=30)  # the last day of the link
    assert client.get(url("registration_manage", lang="en")).status_code == 200

    _move_edition_back(open_edition, days_ago=31)

    expired = open_edition.date + datetime.timedelta(days=30)
    for address in (
        url("registration_manage", lang="en"),  # the session opened before
        url("registration_open", lang="en", token=manage_token(registration)),
    ):
        page = client.get(address)
        assert (page.status_code, texts(page, "alert")) == (
            410,
            [
                f"The links to registrations for {open_edition.title} worked until the end of "
                f"{expired:%d/%m/%Y}. Please contact the organizers if you need anything about "
                "your registration."
            ],
        )
    vi = client.get(url("registration_open", token=manage_token(registration)))
    assert texts(vi, "alert") == [
        f"Các đường liên kết tới đăng ký của {open_edition.title} có hiệu lực đến hết ngày "
        f"{expired:%d/%m/%Y}. Nếu cần hỗ trợ về đăng ký, xin vui lòng liên hệ Ban Tổ chức."
    ]


def test_asking_for_a_new_link_after_expiry_sends_nothing_and_says_why(
    client, open_edition, settings
):
    settings.MANAGE_LINK_DAYS = 30
    RegistrationFactory(edition=open_edition, email="lan@example.vn")
    _move_edition_back(open_edition, days_ago=40)
    address = url("registration_link", open_edition.number, lang="en")

    form = client.get(address)
    sent = client.post(address, {"email": "lan@example.vn", "website": ""})

    expired = open_edition.date + datetime.timedelta(days=30)
    said = (
        f"The links to registrations for this edition worked until the end of "
        f"{expired:%d/%m/%Y}, so none can be sent any more. Please contact the organizers if "
        "you need anything about your registration."
    )
    assert (form.status_code, texts(form, "alert")) == (200, [said])
    assert (sent.status_code, texts(sent, "alert")) == (200, [said])
    assert Notification.objects.filter(kind="registration_manage_link").count() == 0


def test_asking_for_a_new_link_goes_through_the_outbox_and_opens_the_registration(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=open_edition, email="lan@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("registration_link", open_edition.number),
            {"email": "LAN@example.vn", "website": ""},
        )
    notification = Notification.objects.get(kind="registration_manage_link")
    assert "~token~" in notification.body_text  # the stored email holds no working link
    assert [m.to for m in mailoutbox] == [["lan@example.vn"]]
    link = re.search(r"http://\S+(/registration/manage/\S+/)", mailoutbox[0].body).group(1)
    assert client.get(link).url == "/registration/manage/"
    assert client.get("/registration/manage/").context["registration"] == registration


def test_corrected_email_replaces_the_old_link_and_the_new_one_works(
    client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=open_edition, email="nham@example.vn")
    old_link = url("registration_open", lang="en", token=manage_token(registration))
    open_registration(client, registration, lang="en")  # a session opened with the old link
    # The delegate asked for the link within the hour: the correction's email still goes out.
    services.registration_send_manage_link(edition=open_edition, email="nham@example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_correct(
            registration=registration,
            actor=UserFactory(roles=["organizer"]),
            data={"email": "dung@example.vn"},
        )

    said = [
        "The organizers have changed the email address of this registration, so this link no "
        "longer opens it: a new link was sent to the new address. If this is your registration, "
        "use the link in that newer email, or contact the organizers."
    ]
    for address in (old_link, url("registration_manage", lang="en")):
        page = client.get(address)
        assert (page.status_code, texts(page, "alert")) == (410, said)
        assert "dung@example.vn" not in page_text(page)
    # The new address received a link that opens the registration.
    assert [m.to for m in mailoutbox if "registration/manage/" in m.body][-1] == ["dung@example.vn"]
    new_link = re.search(
        r"http://\S+(/registration/manage/\S+/)",
        [m for m in mailoutbox if m.to == ["dung@example.vn"]][-1].body,
    ).group(1)
    assert client.get(new_link).url == "/registration/manage/"
    assert client.get("/registration/manage/").context["registration"] == registration
    registration.refresh_from_db()
    assert registration.link_version == 1


def test_an_email_queued_to_the_old_address_before_a_correction_carries_no_working_link(
    open_edition, mailoutbox
):
    registration = RegistrationFactory(edition=open_edition, email="nham@example.vn")
    services.registration_send_manage_link(edition=open_edition, email="nham@example.vn")
    services.registration_correct(
        registration=registration,
        actor=UserFactory(roles=["organizer"]),
        data={"email": "dung@example.vn"},
    )

    for notification in Notification.objects.filter(kind="registration_manage_link"):
        notification_deliver(notification_id=notification.pk, token="test")

    links = {
        m.to[0]: re.search(r"/registration/manage/(\S+)/", m.body).group(1) for m in mailoutbox
    }
    assert links["nham@example.vn"] == "-"
    assert Registration.objects.from_manage_token(links["dung@example.vn"]) == registration
