"""Every page and email about a sample edition says so."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from conference.signing import manage_token
from tests.factories import LiaisonFactory, RegistrationFactory, UserFactory, form_post
from tests.html import page_text

pytestmark = pytest.mark.django_db

BANNER = "Sample data. This page shows demonstration data, not a real edition of the conference."


@pytest.fixture
def demo(open_edition):
    cache.clear()
    open_edition.is_demo = True
    open_edition.save()
    yield open_edition
    cache.clear()


def _url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"conference:{name}", kwargs=kwargs)


def test_sample_edition_pages_show_the_banner(client, demo):
    registration = RegistrationFactory(edition=demo, status="confirmed")
    client.get(_url("registration_open", token=manage_token(registration)))
    public = [
        _url("registration_create", number=demo.number),
        _url("registration_sent", number=demo.number),
        _url("registration_link", number=demo.number),
        _url("registration_manage"),
        _url("registration_edit"),
        _url("registration_cancel"),
        _url("registration_erase"),
    ]
    organizer = [
        _url("delegation_unit", number=demo.number, unit_id=registration.unit_id),
        _url("registration_list") + f"?edition={demo.number}",
        _url("badge_index", number=demo.number),
        _url("checkin", number=demo.number),
    ]
    shown = {}
    for url in public:
        page = client.get(url)
        shown[url] = (page.status_code, page.context["shows_demo"], BANNER in page_text(page))
    client.force_login(UserFactory(roles=["organizer"]))
    for url in organizer:
        page = client.get(url)
        shown[url] = (page.status_code, page.context["shows_demo"], BANNER in page_text(page))
    assert shown == dict.fromkeys(public + organizer, (200, True, True))


def test_real_edition_pages_show_no_banner(client, open_edition):
    client.force_login(LiaisonFactory())
    page = client.get(_url("delegation", number=open_edition.number))
    assert (page.context["shows_demo"], BANNER in page_text(page)) == (False, False)


def test_sample_edition_emails_say_so(client, demo, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("registration_create", number=demo.number), form_post(language="en"))
    (email,) = mailoutbox
    line = "SAMPLE DATA: this email is about a demonstration edition, not a real conference."
    assert email.body.splitlines()[0] == line
    assert line in email.alternatives[0][0]
