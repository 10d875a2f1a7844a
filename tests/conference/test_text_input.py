"""Hostile or odd text at every form: control characters, decomposed Unicode, very long values
and the many spellings of one email address (defects 3, 5, 8 and 9 of issue 10)."""

import importlib
import inspect
import pkgutil
import unicodedata

import pytest
from django import forms
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from conference.models import Registration
from conference.text_input import CleanInputMixin, clean_text, normalize_email
from tests.conference.test_exports import xlsx_sheet
from tests.factories import RegistrationFactory, UserFactory, form_post
from tests.file_jobs import prepared_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _register_url(edition):
    with translation.override("vi"):
        return reverse("conference:registration_create", args=[edition.number])


def _our_form_classes():
    """Every form class defined in the project's apps (imported, so new modules count)."""
    for app in ("conference", "provinces", "proposals"):
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or module.name.endswith(("settings", "wsgi", "asgi")):
                continue
            importlib.import_module(module.name)
    seen, stack = set(), [forms.BaseForm]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.split(".")[0] in ("conference", "provinces", "proposals"):
                seen.add(subclass)
    return seen


def test_every_form_of_the_project_cleans_its_input():
    forms_found = _our_form_classes()
    assert len(forms_found) >= 8
    missing = sorted(
        f"{form.__module__}.{form.__qualname__}"
        for form in forms_found
        if not issubclass(form, CleanInputMixin) and not inspect.isabstract(form)
    )
    assert missing == []


def test_every_text_field_of_every_form_has_a_maximum():
    unlimited = []
    for form_class in _our_form_classes():
        try:
            form = form_class()
        except (TypeError, ValueError, KeyError, ObjectDoesNotExist):
            continue  # needs arguments (edition, queryset): checked through its pages
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                unlimited.append(f"{form_class.__qualname__}.{name}")
    assert unlimited == []


def test_clean_text_removes_control_characters_and_composes():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hiền")
    assert clean_text(f"{decomposed}\x07\x00\x1b") == "Nguyễn Thị Hiền"
    assert clean_text("a\tb\r\nc") == "a b c"
    assert clean_text("a\tb\r\nc\x0c", multiline=True) == "a\tb\nc"


def test_registration_form_stores_clean_nfc_text(client, open_edition):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hiền")
    response = client.post(
        _register_url(open_edition),
        form_post(full_name=f"{decomposed}\x07", dietary_needs="Ăn chay\x00\r\nKhông hành"),
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.full_name, registration.dietary_needs) == (
        "Nguyễn Thị Hiền",
        "Ăn chay\nKhông hành",
    )


def test_registration_form_refuses_a_megabyte_of_accommodation(client, open_edition):
    page = client.post(_register_url(open_edition), form_post(accommodation_needs="x" * 1_000_000))
    assert page.status_code == 200
    assert page.context["form"].errors["accommodation_needs"] == [
        "Giá trị này chỉ được có tối đa 500 ký tự (hiện có 1000000)."
    ]
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("field", ["accommodation_needs", "dietary_needs"])
def test_registration_database_refuses_overlong_text(open_edition, field):
    registration = RegistrationFactory(edition=open_edition)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(**{field: "x" * 501})


def test_export_xlsx_does_not_fail_on_a_stored_control_character(client, open_edition):
    RegistrationFactory(edition=open_edition, full_name="Nguyễn\x07 Văn An", badge_code="AB12")
    client.force_login(UserFactory(roles=["organizer"]))
    response = prepared_file(client, open_edition.number, "registrations_xlsx")
    assert response.status_code == 200
    names = [row[1] for row in xlsx_sheet(response).iter_rows(min_row=2, values_only=True)]
    assert names == ["Nguyễn Văn An"]


@pytest.mark.parametrize(
    "spelling",
    [
        "Hien@Bộcôngthương.vn",  # composed domain, upper-case letters
        unicodedata.normalize("NFD", "hien@bộcôngthương.vn"),  # decomposed domain
        "hien@" + "bộcôngthương.vn".encode("idna").decode(),  # the xn-- form
        "ｈｉｅｎ@ｂộcôngthương.vn",  # fullwidth letters
    ],
)
def test_normalize_email_one_mailbox_one_spelling(spelling):
    assert normalize_email(spelling) == "hien@" + "bộcôngthương.vn".encode("idna").decode()


def test_registration_duplicate_detected_across_email_spellings(client, open_edition):
    first = client.post(_register_url(open_edition), form_post(email="hien@bộcôngthương.vn"))
    again = client.post(
        _register_url(open_edition),
        form_post(email="ＨＩＥＮ@" + "bộcôngthương.vn".encode("idna").decode()),
    )
    assert (first.status_code, again.status_code) == (302, 302)
    assert list(Registration.objects.values_list("email", flat=True)) == [
        "hien@" + "bộcôngthương.vn".encode("idna").decode()
    ]


def test_login_refuses_an_overlong_username_before_anything_is_recorded(client):
    """Django's login form sets the username's maximum after making the field (no validator):
    a 1,001-letter name reached the lockout table (255 characters; a 500 on PostgreSQL)."""
    from axes.models import AccessAttempt

    response = client.post("/en/accounts/login/", {"username": "a" * 1001, "password": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Ensure this value has at most 150 characters (it has 1001)."
    ]
    assert AccessAttempt.objects.count() == 0
