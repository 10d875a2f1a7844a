import pytest
from django.urls import reverse

from conference.models import AuditEntry, Registration
from tests.factories import RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_registration_admin_folded_search(staff_client, open_edition):
    hien = RegistrationFactory(edition=open_edition, full_name="Nguyễn Thị Hiền")
    RegistrationFactory(edition=open_edition, full_name="Trần Văn Bình")
    page = staff_client.get(reverse("admin:conference_registration_changelist"), {"q": "hien"})
    assert list(page.context["cl"].result_list) == [hien]


def test_registration_admin_actions_call_the_services(
    staff_client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    pending = RegistrationFactory(edition=open_edition)
    cancelled = RegistrationFactory(edition=open_edition, status="cancelled")
    url = reverse("admin:conference_registration_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        page = staff_client.post(
            url,
            {"action": "confirm", "_selected_action": [pending.pk, cancelled.pk]},
            follow=True,
        )
    pending.refresh_from_db()
    assert pending.status == "confirmed"
    messages = [str(m) for m in page.context["messages"]]
    assert len(messages) == 2
    assert AuditEntry.objects.filter(action="registration.confirmed").count() == 1
    assert [m.to for m in mailoutbox] == [[pending.email]]


def test_registration_admin_change_goes_through_the_service(staff_client, open_edition):
    registration = RegistrationFactory(edition=open_edition, full_name="Trần Văn Bình")
    url = reverse("admin:conference_registration_change", args=[registration.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    data = {
        "salutation": "ong",
        "full_name": "Trần Văn Bình An",
        "position": "Giám đốc",
        "organisation_name": "Sở Công Thương Hà Nội",
        "phone": "0912 345 678",
        "accommodation_needs": "",
        "dietary_needs": "",
        "language": "vi",
        "conference-auditentry-content_type-object_id-TOTAL_FORMS": "0",
        "conference-auditentry-content_type-object_id-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.full_name, registration.phone) == ("Trần Văn Bình An", "+84912345678")
    assert AuditEntry.objects.filter(action="registration.update").count() == 1
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 25])
def test_registration_admin_changelist_query_count_same_for_one_and_many(
    rows, staff_client, open_edition, django_assert_num_queries
):
    RegistrationFactory.create_batch(rows, edition=open_edition)
    url = reverse("admin:conference_registration_changelist")
    staff_client.get(url)
    with django_assert_num_queries(ADMIN_LIST_QUERIES):
        page = staff_client.get(url)
    assert page.context["cl"].result_count == rows


ADMIN_LIST_QUERIES = 9
