"""Erasure leaves no trace of the person in any table, nor in the file backend's copies of the
emails (defect 12 of issue 10)."""

import json
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from conference.models import Registration
from conference.services.registrations import registration_decline
from conference.vietnamese import fold
from tests.factories import LiaisonFactory, UserFactory, form_post
from tests.html import open_registration

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Hoài Thương"
EMAIL = "hoaithuong@example.vn"


def _everything_in_the_database() -> str:
    """Every value of every row of every table, as text (JSON decoded)."""
    parts = []
    for model in apps.get_models():
        for row in model.objects.values():
            parts.append(json.dumps(row, ensure_ascii=False, default=str))
    return "\n".join(parts)


def _url(name, *args, **kwargs):
    with translation.override("vi"):
        return reverse(f"conference:{name}", args=args, kwargs=kwargs or None)


def test_erasure_leaves_no_trace_anywhere(
    client, open_edition, settings, tmp_path, django_capture_on_commit_callbacks
):
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url("registration_create", open_edition.number),
            form_post(full_name=NAME, email=EMAIL, phone="0912 345 678"),
        )
    registration = Registration.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        open_registration(client, registration)
        client.post(_url("registration_verify"))
    registration.refresh_from_db()
    # A liaison declines with a reason naming the person; an organizer searches for them and
    # exports the result (the audit log keeps the filters).
    with django_capture_on_commit_callbacks(execute=True):
        registration_decline(
            registration=registration,
            actor=LiaisonFactory(),
            reason=f"Bà {NAME} đã được cử đi công tác; thay bằng người khác.",
        )
    client.force_login(UserFactory(roles=["organizer"]))
    export = client.get(
        _url("registration_export_csv"), {"edition": open_edition.number, "q": fold(NAME)}
    )
    assert export.status_code == 200
    assert NAME in _everything_in_the_database()
    assert any(EMAIL in path.read_text() for path in tmp_path.iterdir())

    client.logout()
    open_registration(client, registration)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("registration_erase"))

    stored = _everything_in_the_database()
    found = [
        trace
        for trace in (NAME, fold(NAME), EMAIL, "+84912345678", "0912 345 678")
        if re.search(re.escape(trace), stored, re.IGNORECASE)
    ]
    assert found == []
    assert [path.name for path in tmp_path.iterdir() if EMAIL in path.read_text()] == []
