"""A NUL or another control character in a search box never gives a server error (PostgreSQL
refuses NUL in text; the site's forms and the admin's search drop control characters)."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from tests.factories import RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = "ha\x00noi\x07"


def test_search_with_nul_every_admin_list(client, open_edition):
    RegistrationFactory(edition=open_edition)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    statuses = {}
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields and not getattr(model_admin, "folded_search_fields", ()):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        statuses[model._meta.label] = client.get(url, {"q": HOSTILE}).status_code
    assert set(statuses.values()) == {200}
    assert len(statuses) >= 8


def test_search_with_nul_site_lists(client, open_edition):
    client.force_login(UserFactory(roles=["organizer"]))
    with translation.override("vi"):
        pages = [
            reverse("provinces:unit_list"),
            reverse("conference:registration_list"),
            reverse("conference:registration_export_csv"),
        ]
    assert [client.get(page, {"q": HOSTILE}).status_code for page in pages] == [200, 200, 200]


def test_filter_value_with_nul_every_admin_list_is_a_bad_filter(client, open_edition):
    """A NUL in a filter's value (PostgreSQL refuses it in text) is answered as any bad filter:
    a redirect to the list's ?e=1, never a server error."""
    RegistrationFactory(edition=open_edition)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    answers = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        answers[model._meta.label] = client.get(url, {"status__exact": "\x00"})
    assert {label: r.status_code for label, r in answers.items()} == dict.fromkeys(answers, 302)
    assert {r["Location"].split("?")[1] for r in answers.values()} == {"e=1"}
    assert (
        client.get(
            reverse("admin:conference_registration_changelist"),
            {"organisation_kind__exact": "a\x00"},
        ).status_code
        == 302
    )
