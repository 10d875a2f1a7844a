"""The email delivery log holds no working self-service link, and its list accepts only the
filters and search it declares: nobody who reads the table or the admin can act as a delegate."""

import json
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from conference.models import Notification, Registration
from conference.notifications.registrations import queue_registration_email
from conference.signing import InvalidLink
from tests.factories import RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"'<>]*/registration/manage/([^/\s\"'<>]+)/")


def _working_tokens(text: str) -> list[str]:
    working = []
    for token in LINK.findall(text):
        try:
            Registration.objects.from_manage_token(token)
        except InvalidLink:
            continue
        working.append(token)
    return working


def test_outbox_stored_bodies_hold_no_working_token(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=open_edition, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        queue_registration_email(registration, "registration_received")
    row = Notification.objects.get()
    # The bodies (rendered when it was sent) and the context they were rendered from.
    stored = row.subject + row.body_text + row.body_html + row.event_key + json.dumps(row.context)
    assert LINK.search(row.context["manage_url"]) is not None
    assert (LINK.search(row.body_text) is not None, _working_tokens(stored)) == (True, [])
    # The email as sent carries the working link, in both bodies.
    (sent,) = mailoutbox
    tokens = _working_tokens(sent.body) + _working_tokens(sent.alternatives[0].content)
    opened = [Registration.objects.from_manage_token(token) for token in tokens]
    assert opened == [registration, registration]
    assert LINK.sub("", sent.body) == LINK.sub("", row.body_text)  # the rest is as stored
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT


def test_outbox_resend_carries_a_working_link(
    open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    from conference.outbox import notification_resend

    registration = RegistrationFactory(edition=open_edition, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        queue_registration_email(registration, "registration_received")
    original = Notification.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification=original, actor=UserFactory())
    assert [len(_working_tokens(m.body)) for m in mailoutbox] == [1, 1]


@pytest.mark.parametrize(
    "lookup",
    ["body_text__regex", "body_text__contains", "body_html__startswith", "claim_token__exact"],
)
def test_outbox_admin_refuses_undeclared_lookups(admin_client, open_edition, lookup):
    registration = RegistrationFactory(edition=open_edition)
    queue_registration_email(registration, "registration_received")
    url = reverse("admin:conference_notification_changelist")
    response = admin_client.get(url, {lookup: "registration"})
    assert response.status_code == 400


def test_admin_every_changelist_refuses_lookups_on_undeclared_fields(admin_client):
    """No changelist filters on a column it does not offer (e.g. ?password__startswith=)."""
    accepted = []
    for model in admin.site._registry:
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("CharField", "TextField")
        ]
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in text_fields:
            response = admin_client.get(url, {f"{name}__startswith": "a"})
            if response.status_code != 400:
                accepted.append(f"{model._meta.label}.{name}")
    assert accepted == []


def test_outbox_migration_takes_tokens_out_of_stored_bodies(open_edition):
    import importlib

    from django.apps import apps

    from conference.signing import manage_url

    migration = importlib.import_module("conference.migrations.0012_outbox_bodies_without_tokens")
    registration = RegistrationFactory(edition=open_edition)
    link = manage_url(registration)
    row = Notification.objects.create(
        recipient="a@example.vn",
        kind="registration_received",
        event_key="old:1",
        subject="s",
        body_text=f"Link: {link}\n",
        body_html=f'<a href="{link}">x</a>',
    )
    migration.take_tokens_out(apps, None)
    row.refresh_from_db()
    stored = manage_url(registration, stored=True)
    assert (row.body_text, row.body_html) == (f"Link: {stored}\n", f'<a href="{stored}">x</a>')
