import re
import types

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import Permission
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation

from conference.admin import registrations as registration_admin
from conference.models import Registration
from tests.factories import (
    EditionFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
    unit_before_2025,
)

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, query, url=None):
    page = client.get(url or reverse("admin:conference_registration_changelist"), query)
    assert page.status_code == 200
    return CSRF.sub("", page.content.decode())


def _plain_django(monkeypatch, settings):
    """Every shortcut of the registration list and the side menu off: Django's own templates,
    changelist (a COUNT, the rows with their edition and unit joined), row checkbox, action
    form, edition filter, app list, and no seat counts for the unit filter."""
    model_admin = admin.site._registry[Registration]
    monkeypatch.setattr(model_admin, "change_list_template", None)
    monkeypatch.setattr(model_admin, "get_changelist", lambda request, **kwargs: ChangeList)
    monkeypatch.setattr(
        model_admin,
        "list_filter",
        ["edition", "status", "organisation_kind", registration_admin.UnitFilter, "created_at"],
    )
    monkeypatch.setattr(model_admin, "list_select_related", ["edition", "unit"])
    monkeypatch.setattr(
        model_admin,
        "action_checkbox",
        types.MethodType(admin.ModelAdmin.action_checkbox, model_admin),
    )
    monkeypatch.setattr(model_admin, "action_checkbox_writer", None)
    monkeypatch.setattr(model_admin, "action_form", helpers.ActionForm)
    monkeypatch.setattr(admin.site._wrapped, "quick_app_list", False)
    settings.SEAT_COUNTS_CACHE_SECONDS = 0


# Filters (those counted from the seat counts and the others), a search, sorting, a page.
LIST_QUERIES = [
    {},
    {"status__exact": "confirmed", "o": "3.-5"},
    {"q": "nguyen", "edition__id__exact": "EDITION"},
    {"edition__id__exact": "EDITION", "status__exact": "pending", "unit": "UNIT"},
    {"unit": "UNIT", "p": "2"},
    {"edition__id__exact": "OTHER"},
    {"edition__id__exact": "0"},
    {"status__exact": "nonsense"},
    {"organisation_kind__exact": "enterprise"},
    {
        "created_at__gte": "2020-01-01 00:00:00+07:00",
        "created_at__lt": "2100-01-01 00:00:00+07:00",
        "o": "-8",
    },
    {"q": ""},
    {"all": ""},
    {"_facets": "True", "edition__id__exact": "EDITION"},
]


def _odd_registrations(edition):
    """Five registrations: a name with markup and no phone, a unit before 2025, no unit with a
    blank organisation, waitlisted, another current unit."""
    RegistrationFactory(edition=edition, full_name="Nguyễn <b>Hiền</b> & Co", phone="")
    RegistrationFactory(
        edition=edition, status=Registration.Status.CONFIRMED, unit=unit_before_2025("02")
    )
    RegistrationFactory(
        edition=edition,
        status=Registration.Status.CONFIRMED,
        unit=None,
        organisation_kind=Registration.OrganisationKind.ENTERPRISE,
        organisation_name="  ",
    )
    RegistrationFactory(edition=edition, status=Registration.Status.WAITLISTED)
    RegistrationFactory(edition=edition, unit=current_unit("31"))


def _list_data(edition):
    """Registrations of two editions, with a unit before 2025, none, an odd name."""
    _odd_registrations(edition)
    RegistrationFactory.create_batch(3, edition=edition, unit=current_unit("01"))
    other = EditionFactory()
    RegistrationFactory(edition=other, unit=current_unit("01"), full_name="Nguyễn Văn An")
    return other


@pytest.mark.parametrize("language", ["vi", "en"])
def test_quick_admin_list_same_pages_as_django(
    staff_client, open_edition, monkeypatch, settings, language
):
    other = _list_data(open_edition)
    model_admin = admin.site._registry[Registration]
    monkeypatch.setattr(model_admin, "list_per_page", 3)
    staff_client.cookies["django_language"] = language
    ids = {
        "EDITION": str(open_edition.pk),
        "OTHER": str(other.pk),
        "UNIT": str(current_unit("01").pk),
    }
    queries = [{k: ids.get(v, v) for k, v in query.items()} for query in LIST_QUERIES]
    with translation.override(language):
        quick = [_page(staff_client, query) for query in queries]
        counts = [
            staff_client.get(reverse("admin:conference_registration_changelist"), query)
            .context["cl"]
            .result_count
            for query in queries
        ]
        _plain_django(monkeypatch, settings)
        django = [_page(staff_client, query) for query in queries]
    assert counts == [9, 2, 8, 4, 6, 1, 0, 0, 1, 9, 9, 9, 8]
    for query, quick_page, django_page in zip(queries, quick, django, strict=True):
        assert quick_page == django_page, query


def test_quick_admin_list_count_follows_changes(staff_client, open_edition):
    """The number of rows from the seat counts moves with each new or erased registration."""
    url = reverse("admin:conference_registration_changelist")
    RegistrationFactory(edition=open_edition)
    assert staff_client.get(url).context["cl"].result_count == 1
    second = RegistrationFactory(edition=open_edition, status=Registration.Status.CONFIRMED)
    query = {"status__exact": "confirmed"}
    assert staff_client.get(url, query).context["cl"].result_count == 1
    assert staff_client.get(url).context["cl"].result_count == 2
    second.delete()
    assert staff_client.get(url).context["cl"].result_count == 1


def test_quick_admin_list_searched_count_follows_changes(
    staff_client, open_edition, django_assert_num_queries
):
    """A search's number of rows, kept per edition, moves with each new or changed
    registration of the edition; the same search again counts nothing."""
    url = reverse("admin:conference_registration_changelist")
    RegistrationFactory(edition=open_edition, full_name="Nguyễn Thị Hiền")
    RegistrationFactory(edition=EditionFactory(), full_name="Lê Hiển")
    searched = {"q": "hien", "o": "1"}
    assert staff_client.get(url, searched).context["cl"].result_count == 2
    with django_assert_num_queries(ADMIN_SEARCHED_AGAIN_QUERIES):
        assert staff_client.get(url, {**searched, "o": "-1"}).context["cl"].result_count == 2
    third = RegistrationFactory(edition=open_edition, full_name="Trần Hiền")
    assert staff_client.get(url, searched).context["cl"].result_count == 3
    third.full_name = "Trần Bình"
    third.save()
    assert staff_client.get(url, searched).context["cl"].result_count == 2
    kind = {"organisation_kind__exact": "doit"}
    assert staff_client.get(url, kind).context["cl"].result_count == 3


# The session, the user, the editions, the units, the rows: no COUNT.
ADMIN_SEARCHED_AGAIN_QUERIES = 5


def test_quick_side_menu_same_as_django_on_every_page(
    staff_client, open_edition, monkeypatch, settings
):
    registration = RegistrationFactory(edition=open_edition)
    urls = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["conference"]),
        reverse("admin:conference_registration_change", args=[registration.pk]),
        reverse("admin:conference_edition_changelist"),
        reverse("admin:provinces_provincialunit_changelist"),
        "/en" + reverse("admin:conference_edition_changelist"),
    ]
    quick = [_page(staff_client, {}, url) for url in urls]
    _plain_django(monkeypatch, settings)
    django = [_page(staff_client, {}, url) for url in urls]
    for url, quick_page, django_page in zip(urls, quick, django, strict=True):
        assert quick_page == django_page, url


def _menu(client) -> list[str]:
    page = client.get(reverse("admin:conference_registration_changelist"))
    if page.status_code != 200:
        return []
    sidebar = page.content.decode().split('id="nav-sidebar"')[1].split("</nav>")[0]
    return re.findall(r'<tr class="(model-[a-z]+)', sidebar)


def test_quick_side_menu_follows_each_users_permissions(client, open_edition):
    """Two staff accounts with different permissions each see their own menu; a permission
    given is in the menu on the next request."""
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    everything = _menu(client)
    client.force_login(viewer)
    assert _menu(client) == ["model-registration"]
    viewer.user_permissions.add(Permission.objects.get(codename="view_edition"))
    assert _menu(client) == ["model-registration", "model-edition"]
    client.force_login(superuser)
    assert _menu(client) == everything
    assert len(everything) > 20


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "query",
    [{}, {"status__exact": "confirmed", "o": "3.-5"}, {"q": "nguyen", "edition__id__exact": "0"}],
)
def test_quick_rows_same_page_as_django(staff_client, open_edition, monkeypatch, language, query):
    if "edition__id__exact" in query:
        query = {**query, "edition__id__exact": str(open_edition.pk)}
    _odd_registrations(open_edition)
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
# app_list.html) written on the first request and then kept (conference.admin_site); the five
# filters written without admin/filter.html, the action menu without a template per option and
# its attributes (conference.admin_rows).
TEMPLATES_PER_PAGE = 14
