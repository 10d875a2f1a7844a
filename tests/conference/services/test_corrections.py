"""An organizer's corrections: email, province, kind of organisation, programme parts."""

import pytest
from django.urls import reverse
from django.utils import translation

from conference.models import AuditEntry, Notification
from conference.outbox import notification_rendered
from conference.permissions import ORGANIZER
from conference.services import registrations as services
from tests.factories import (
    LiaisonFactory,
    ProgrammePartFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
)
from tests.html import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer():
    return UserFactory(username="bantochuc", roles=[ORGANIZER])


def test_correct_email_sends_the_link_to_the_new_address_and_is_audited(open_edition, organizer):
    registration = RegistrationFactory(edition=open_edition, email="sai@example.vn")
    services.registration_correct(
        registration=registration, actor=organizer, data={"email": " Dung@Example.vn "}
    )
    registration.refresh_from_db()
    assert registration.email == "dung@example.vn"
    assert list(
        Notification.objects.filter(kind="registration_manage_link").values_list(
            "recipient", flat=True
        )
    ) == ["dung@example.vn"]
    entry = AuditEntry.objects.get(action="registration.correct")
    assert (entry.actor, entry.data) == (organizer, {"fields": ["email"]})


def test_correct_email_already_registered_is_refused_on_the_field(open_edition, organizer):
    RegistrationFactory(edition=open_edition, email="co@example.vn")
    registration = RegistrationFactory(edition=open_edition)
    with pytest.raises(services.ValidationError) as error:
        services.registration_correct(
            registration=registration, actor=organizer, data={"email": "CO@example.vn"}
        )
    assert error.value.message_dict == {
        "email": ["Địa chỉ thư điện tử này đã có một đăng ký còn hiệu lực cho hội nghị này."]
    }


def test_correct_province_checks_the_new_quota_and_frees_the_old_seat(open_edition, organizer):
    from conference.models import EditionParticipant

    EditionParticipant.objects.filter(edition=open_edition, unit=current_unit("31")).update(quota=1)
    RegistrationFactory(edition=open_edition, unit=current_unit("31"))
    moving = RegistrationFactory(edition=open_edition, status="confirmed")
    RegistrationFactory(edition=open_edition)
    waiting = RegistrationFactory(edition=open_edition, status="waitlisted")
    with pytest.raises(services.ValidationError) as error:
        services.registration_correct(
            registration=moving, actor=organizer, data={"unit": current_unit("31")}
        )
    assert list(error.value.message_dict) == ["unit"]
    EditionParticipant.objects.filter(edition=open_edition, unit=current_unit("31")).update(quota=2)
    services.registration_correct(
        registration=moving, actor=organizer, data={"unit": current_unit("31")}
    )
    moving.refresh_from_db()
    waiting.refresh_from_db()
    assert (moving.unit, moving.status, waiting.status) == (
        current_unit("31"),
        "confirmed",
        "pending",
    )


def test_correct_kind_to_a_guest_leaves_the_province(open_edition, organizer):
    registration = RegistrationFactory(edition=open_edition)
    services.registration_correct(
        registration=registration,
        actor=organizer,
        data={"organisation_kind": "guest", "organisation_name": "Khách mời"},
    )
    registration.refresh_from_db()
    assert (registration.organisation_kind, registration.unit) == ("guest", None)
    assert AuditEntry.objects.get(action="registration.correct").data == {
        "fields": ["organisation_kind", "organisation_name", "unit"]
    }


def test_correct_parts_of_the_programme(open_edition, organizer):
    plenary, visit = ProgrammePartFactory.create_batch(2, edition=open_edition)
    registration = RegistrationFactory(edition=open_edition)
    registration.parts.set([plenary])
    services.registration_correct(
        registration=registration, actor=organizer, data={}, parts=[plenary, visit]
    )
    assert set(registration.parts.all()) == {plenary, visit}


def test_correction_page_is_for_organizers_and_saves_through_the_service(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, email="sai@example.vn")
    page_url = reverse("conference:registration_correct", args=[registration.pk])
    client.force_login(LiaisonFactory())
    assert client.get(page_url).status_code == 403
    client.force_login(UserFactory(roles=[ORGANIZER]))
    form = client.get(page_url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({"email": "dung@example.vn", "unit": current_unit("01").pk, "phone": "0912345678"})
    response = client.post(page_url, data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Đã sửa thông tin đăng ký."]
    registration.refresh_from_db()
    assert registration.email == "dung@example.vn"


def test_organizers_contact_is_shown_to_delegates(client, open_edition):
    from conference.signing import manage_token

    open_edition.contact_name = "Văn phòng Ban Tổ chức"
    open_edition.contact_email = "bantochuc@example.vn"
    open_edition.contact_phone = "0210 3846 000"
    open_edition.save()
    registration = RegistrationFactory(edition=open_edition)
    with translation.override("en"):
        manage = reverse("conference:registration_open", args=[manage_token(registration)])
    text = page_text(client.get(manage, follow=True))
    assert (
        "Contact the organizers Văn phòng Ban Tổ chức Email: bantochuc@example.vn "
        "Phone: 0210 3846 000"
    ) in text
    services.registration_confirm(registration=registration, actor=UserFactory())
    email = notification_rendered(Notification.objects.get(kind="registration_confirmed"))
    assert (
        "Liên hệ Ban Tổ chức: Văn phòng Ban Tổ chức, bantochuc@example.vn — 0210 3846 000"
        in email.body_text
    )
