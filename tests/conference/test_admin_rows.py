import re

import pytest
from django.contrib import admin
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation

from conference.models import Registration
from tests.factories import RegistrationFactory, current_unit, unit_before_2025

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, query):
    page = client.get(reverse("admin:conference_registration_changelist"), query)
    assert page.status_code == 200
    return CSRF.sub("", page.content.decode())


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "query",
    [{}, {"status__exact": "confirmed", "o": "3.-5"}, {"q": "nguyen", "edition__id__exact": "0"}],
)
def test_quick_rows_same_page_as_django(staff_client, open_edition, monkeypatch, language, query):
    if "edition__id__exact" in query:
        query = {**query, "edition__id__exact": str(open_edition.pk)}
    RegistrationFactory(edition=open_edition, full_name="Nguyễn <b>Hiền</b> & Co", phone="")
    RegistrationFactory(
        edition=open_edition, status=Registration.Status.CONFIRMED, unit=unit_before_2025("02")
    )
    RegistrationFactory(
        edition=open_edition,
        status=Registration.Status.CONFIRMED,
        unit=None,
        organisation_kind=Registration.OrganisationKind.ENTERPRISE,
        organisation_name="  ",
    )
    RegistrationFactory(edition=open_edition, status=Registration.Status.WAITLISTED)
    RegistrationFactory(edition=open_edition, unit=current_unit("31"))
    model_admin = admin.site._registry[Registration]
    with translation.override(language):
        staff_client.cookies["django_language"] = language
        quick = _page(staff_client, query)
        monkeypatch.setattr(model_admin, "change_list_template", None)
        django = _page(staff_client, query)
    assert 'class="field-full_name"' in quick
    assert quick == django


@pytest.mark.parametrize("rows", [1, 25])
def test_registration_admin_changelist_templates_same_for_one_and_many(
    rows, staff_client, open_edition
):
    RegistrationFactory.create_batch(rows, edition=open_edition)
    url = reverse("admin:conference_registration_changelist")
    staff_client.get(url)
    rendered = []

    def listen(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(listen)
    try:
        staff_client.get(url)
    finally:
        template_rendered.disconnect(listen)
    assert len(rendered) == TEMPLATES_PER_PAGE, rendered


# Django's list page and its includes; none of them per row; the side menu (nav_sidebar.html,
# app_list.html) written on the first request and then kept (conference.admin_site).
TEMPLATES_PER_PAGE = 35
