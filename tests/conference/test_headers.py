"""Every page sends the Content-Security-Policy and holds no inline script or style that the
policy would block; pages with personal data are never cached (defects 10 and 11 of issue 10).
The pages come from the URL configuration and the admin's registry, so new pages are covered."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conference.signing import manage_token
from tests.factories import ProposalFactory, RegistrationFactory, UserFactory, current_unit

pytestmark = pytest.mark.django_db

SKIPPED = {"set_language", "default_language_redirect", "logout"}  # POST only, or a redirect
PERSONAL_ANONYMOUS = {
    "conference:registration_open",
    "conference:registration_manage",
    "conference:registration_edit",
    "conference:registration_cancel",
    "conference:registration_erase",
    "conference:badge_delegate",
    "password_reset_confirm",
}
INLINE = re.compile(r"""<style\b|\sstyle\s*=|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=""", re.I)


def _named_patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _named_patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name and pattern.name not in SKIPPED:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _message(edition, user):
    import uuid

    from conference.models import Registration
    from conference.services.messages import message_send

    # A delegate without an address: no email row (the delivery log's change page shows an
    # email's HTML escaped in an iframe's srcdoc, which this test's pattern would take for inline
    # style).
    without = RegistrationFactory(edition=edition, status="confirmed")
    Registration.objects.filter(pk=without.pk).update(email="")
    without.refresh_from_db()
    message, _created = message_send(
        edition=edition,
        registrations=[without],
        texts={"subject": "Thông báo", "body": "Nội dung."},
        key=uuid.uuid4(),
        actor=user,
    )
    return message


def _file_job(edition, user):
    """A prepared file, ready: its page and its download are walked as well."""
    from conference.models import FileJob
    from conference.services import file_jobs

    job, _created = file_jobs.file_job_request(
        kind=FileJob.Kind.REGISTRATIONS_XLSX, edition=edition, query="", actor=user
    )
    file_jobs.file_job_run(job_id=job.pk, token="headers")
    return job


@pytest.fixture
def pages(open_edition):
    registration = RegistrationFactory(edition=open_edition, status="confirmed")
    user = UserFactory(username="boss", is_staff=True, is_superuser=True, roles=["organizer"])
    values = {
        "number": open_edition.number,
        "token": manage_token(registration),
        "unit_id": current_unit("01").pk,
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        # any other page of one object: a proposal's pk (other objects' pages answer 404, which
        # must carry the same headers)
        "pk": ProposalFactory(edition=open_edition).pk,
        "fmt": "json",
    }
    special = {
        "provinces:unit_detail": {"pk": current_unit("01").pk},
        "conference:badge_registration": {"pk": registration.pk},
        "conference:registration_detail": {"pk": registration.pk},
        "conference:registration_correct": {"pk": registration.pk},
        "conference:registration_reverse": {"pk": registration.pk},
        "conference:checkin_undo": {"pk": registration.pk},
        "conference:message_detail": {"pk": _message(open_edition, user).pk},
        "conference:delegation_import_template": {"fmt": "xlsx"},
        "conference:file_job_detail": {"pk": _file_job(open_edition, user).pk},
        "conference:file_job_download": {"pk": _file_job(open_edition, user).pk},
        "password_reset_confirm": {"token": default_token_generator.make_token(user)},
    }
    urls = {}
    for name, pattern in _named_patterns(get_resolver().url_patterns):
        kwargs = {**values, **special.get(name, {})}
        kwargs = {key: kwargs[key] for key in pattern.pattern.converters}
        urls[name] = reverse(name, kwargs=kwargs)
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls[f"{info}_changelist"] = reverse(f"{info}_changelist")
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls[f"{info}_change"] = reverse(f"{info}_change", args=[first.pk])
    urls["admin:index"] = reverse("admin:index")
    return urls, user


def test_headers_every_page_sends_the_policy_and_needs_no_inline_code(client, pages):
    urls, user = pages
    client.force_login(user)
    client.get(urls["conference:registration_open"])  # the delegate's pages show the registration
    problems = {}
    for name, url in sorted(urls.items()):
        response = client.get(url)
        if response.streaming:  # read to the end: the client then closes the file it streams
            b"".join(response.streaming_content)
        if response.headers.get("Content-Security-Policy") != settings.CONTENT_SECURITY_POLICY:
            problems[name] = "no policy"
        elif response.status_code == 200 and "html" in response.headers.get("Content-Type", ""):
            found = INLINE.findall(response.content.decode())
            if found:
                problems[name] = found[:3]
    assert problems == {}
    assert len(urls) > 40


def test_headers_pages_of_a_logged_in_account_are_not_cached(client, pages):
    urls, user = pages
    client.force_login(user)
    cached = {}
    for name, url in sorted(urls.items()):
        response = client.get(url)
        if response.streaming:  # read to the end: the client then closes the file it streams
            b"".join(response.streaming_content)
        directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
        if not {"private", "no-store"} <= directives:
            cached[name] = sorted(directives)
    assert cached == {}


def test_headers_the_delegates_own_pages_are_not_cached(client, pages):
    urls, _user = pages
    client.get(urls["conference:registration_open"])
    cached = {}
    for name in sorted(PERSONAL_ANONYMOUS):
        directives = {
            part.strip()
            for part in client.get(urls[name]).headers.get("Cache-Control", "").split(",")
        }
        if not {"private", "no-store"} <= directives:
            cached[name] = sorted(directives)
    assert cached == {}


def test_headers_public_pages_stay_cacheable(client, pages):
    urls, _user = pages
    response = client.get(urls["conference:edition_list"])
    assert "no-store" not in response.headers.get("Cache-Control", "")
