import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation

from conference.models import AuditEntry, EditionParticipant, Notification, Registration
from conference.services import registrations as services
from tests.factories import (
    EditionFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
    delegate_data,
    unit_before_2025,
)
from tests.html import form_data, page_text

pytestmark = pytest.mark.django_db


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


# The session, the user, the editions (filter), the units (filter), the rows: the number of rows
# from the cached seat counts (no COUNT); a date filter, not a date hierarchy (its MIN/MAX and
# DISTINCT day queries are gone); the rows' editions and units from the filters (no join).
ADMIN_LIST_QUERIES = 5


def test_registration_admin_changelist_row_checkbox_without_widget_template(
    staff_client, open_edition
):
    registration = RegistrationFactory(edition=open_edition)
    page = staff_client.get(reverse("admin:conference_registration_changelist"))
    assert (
        f'<input type="checkbox" name="_selected_action" value="{registration.pk}"'
        ' class="action-select" aria-label="' in page.content.decode()
    )


def _waiting_setup(edition, django_capture_on_commit_callbacks):
    """Hà Nội's quota (2) taken by ``seated`` and another; one delegate waiting."""
    with django_capture_on_commit_callbacks(execute=True):
        seated = RegistrationFactory(edition=edition, email="seated@example.vn")
        RegistrationFactory(edition=edition)
        waiting = RegistrationFactory(edition=edition, status="waitlisted")
        services.registration_send_manage_link(edition=edition, email=seated.email)
    assert Notification.objects.filter(recipient="seated@example.vn").count() == 1
    return seated, waiting


def _assert_erased(seated, waiting, staff, reason):
    assert not Registration.objects.filter(pk=seated.pk).exists()
    assert Notification.objects.filter(recipient="seated@example.vn").count() == 0
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    entry = AuditEntry.objects.get(action="registration.erase")
    assert (entry.object_id, entry.actor, entry.from_state, entry.reason) == (
        str(seated.pk),
        staff,
        "cancelled",
        reason,
    )
    promoted = AuditEntry.objects.get(action="registration.pending")
    assert (promoted.object_id, promoted.from_state) == (str(waiting.pk), "waitlisted")


def test_registration_admin_delete_page_erases_through_the_service(
    client, open_edition, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    seated, waiting = _waiting_setup(open_edition, django_capture_on_commit_callbacks)
    url = reverse("admin:conference_registration_delete", args=[seated.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes", "reason": "Đơn vị đề nghị xóa."})
    assert response.status_code == 302
    _assert_erased(seated, waiting, staff, "Đơn vị đề nghị xóa.")


def test_registration_admin_delete_page_without_reason_erases_nothing(
    client, open_edition, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    seated, _waiting = _waiting_setup(open_edition, django_capture_on_commit_callbacks)
    url = reverse("admin:conference_registration_delete", args=[seated.pk])
    page = client.post(url, {"post": "yes", "reason": "  "})
    assert page.status_code == 200
    assert page.context["reason_form"].errors == {"reason": ["Trường này là bắt buộc."]}
    assert Registration.objects.filter(pk=seated.pk).exists()
    assert not AuditEntry.objects.filter(action="registration.erase").exists()


def test_registration_admin_erase_action(client, open_edition, django_capture_on_commit_callbacks):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    seated, waiting = _waiting_setup(open_edition, django_capture_on_commit_callbacks)
    url = reverse("admin:conference_registration_changelist")
    asked = client.post(url, {"action": "erase", "_selected_action": [seated.pk]})
    assert asked.status_code == 200
    assert list(asked.context["queryset"]) == [seated]
    assert Registration.objects.filter(pk=seated.pk).exists()
    page = client.post(
        url,
        {"action": "erase", "_selected_action": [seated.pk], "apply": "yes", "reason": "Trùng."},
        follow=True,
    )
    assert [str(m) for m in page.context["messages"]] == ["Đã xóa 1 đăng ký."]
    _assert_erased(seated, waiting, staff, "Trùng.")


def test_registration_admin_decline_records_who_and_why(client, open_edition, mailoutbox):
    organizer = UserFactory(is_staff=True, is_superuser=True, username="to-chuc")
    client.force_login(organizer)
    registration = RegistrationFactory(edition=open_edition)
    url = reverse("admin:conference_registration_changelist")
    data = {"action": "decline", "_selected_action": [registration.pk], "apply": "yes"}
    refused = client.post(url, {**data, "reason": ""})
    assert refused.context["form"].errors == {"reason": ["Trường này là bắt buộc."]}
    client.post(url, {**data, "reason": "Hết chỉ tiêu của đơn vị."})
    entry = AuditEntry.objects.get(action="registration.declined")
    assert (entry.actor, entry.actor_label, entry.reason) == (
        organizer,
        str(organizer),
        "Hết chỉ tiêu của đơn vị.",
    )


def test_registration_admin_has_no_plain_delete_action(staff_client):
    page = staff_client.get(reverse("admin:conference_registration_changelist"))
    actions = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert actions == [
        "",
        "confirm",
        "decline",
        "cancel",
        "check_in",
        "erase",
        "fill_from_waitlist",
    ]


def test_registration_admin_change_refused_shows_form_error(staff_client, open_edition):
    registration = RegistrationFactory(
        edition=open_edition, full_name="Trần Văn Bình", status="cancelled"
    )
    url = reverse("admin:conference_registration_change", args=[registration.pk])
    data = {
        "salutation": "ong",
        "full_name": "Trần Văn Bình An",
        "position": "Giám đốc",
        "organisation_name": "Sở Công Thương Hà Nội",
        "phone": "0912 345 678",
        "accommodation_needs": "",
        "dietary_needs": "",
        "language": "en",
        "conference-auditentry-content_type-object_id-TOTAL_FORMS": "0",
        "conference-auditentry-content_type-object_id-INITIAL_FORMS": "0",
    }
    page = staff_client.post(url, data)
    assert page.status_code == 200
    assert page.context["adminform"].form.non_field_errors() == [
        "Đăng ký ở trạng thái “Đã hủy” không thể sửa đổi được nữa."
    ]
    assert list(page.context["messages"]) == []
    registration.refresh_from_db()
    assert registration.full_name == "Trần Văn Bình"
    assert AuditEntry.objects.filter(action="registration.update").count() == 0
    assert LogEntry.objects.count() == 0


def test_registration_admin_change_bad_phone_field_error(staff_client, open_edition):
    registration = RegistrationFactory(edition=open_edition)
    url = reverse("admin:conference_registration_change", args=[registration.pk])
    data = {
        "salutation": "ong",
        "full_name": registration.full_name,
        "position": "Giám đốc",
        "organisation_name": "Sở Công Thương Hà Nội",
        "phone": "0123",
        "accommodation_needs": "",
        "dietary_needs": "",
        "language": "vi",
        "conference-auditentry-content_type-object_id-TOTAL_FORMS": "0",
        "conference-auditentry-content_type-object_id-INITIAL_FORMS": "0",
    }
    page = staff_client.post(url, data)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.errors) == ["phone"]
    assert LogEntry.objects.count() == 0


def test_registration_admin_check_in_action(staff_client, open_edition):
    confirmed = RegistrationFactory(edition=open_edition, status="confirmed")
    pending = RegistrationFactory(edition=open_edition, full_name="Lê Văn Chờ")
    url = reverse("admin:conference_registration_changelist")
    page = staff_client.post(
        url, {"action": "check_in", "_selected_action": [confirmed.pk, pending.pk]}, follow=True
    )
    assert [str(m) for m in page.context["messages"]] == [
        "Đã điểm danh 1 đại biểu.",
        "Lê Văn Chờ: Đăng ký này chưa được Sở Công Thương tỉnh, thành phố hoặc Ban Tổ chức xác "
        "nhận.",
    ]
    confirmed.refresh_from_db()
    pending.refresh_from_db()
    assert (confirmed.status, pending.status) == ("checked_in", "pending")


def test_registration_admin_fill_from_waitlist_action(staff_client, open_edition):
    waiting = RegistrationFactory(edition=open_edition, status="waitlisted")
    url = reverse("admin:conference_registration_changelist")
    with translation.override("vi"):
        label = str(open_edition)
    page = staff_client.post(
        url, {"action": "fill_from_waitlist", "_selected_action": [waiting.pk]}, follow=True
    )
    assert [str(m) for m in page.context["messages"]] == [
        f"{label}: đã chuyển khỏi danh sách chờ: 1."
    ]
    waiting.refresh_from_db()
    assert waiting.status == "pending"


# --- raising a limit in the admin fills the free seats from the waiting list ---------------------


def _capacity_reached(edition):
    """Capacity 5 taken by Hải Phòng (no quota); one Hải Phòng delegate waiting."""
    RegistrationFactory.create_batch(5, edition=edition, unit=current_unit("31"))
    return RegistrationFactory(
        edition=edition, unit=current_unit("31"), status="waitlisted", email="cho@example.vn"
    )


def test_edition_admin_raising_capacity_promotes_waiting(
    staff_client, open_edition, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = _capacity_reached(open_edition)
    url = reverse("admin:conference_edition_change", args=[open_edition.pk])
    data = form_data(staff_client.get(url))
    data["capacity"] = ["6"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data, follow=True)
    assert response.redirect_chain[-1][1] == 302
    waiting.refresh_from_db()
    assert waiting.status == "pending"
    assert [m.to for m in mailoutbox] == [["cho@example.vn"]]
    assert "Đã chuyển khỏi danh sách chờ: 1." in [str(m) for m in response.context["messages"]]


def test_edition_admin_raising_quota_inline_promotes_waiting(staff_client, open_edition):
    RegistrationFactory.create_batch(2, edition=open_edition)
    waiting = RegistrationFactory(edition=open_edition, status="waitlisted")
    url = reverse("admin:conference_edition_change", args=[open_edition.pk])
    data = form_data(staff_client.get(url))
    hanoi = EditionParticipant.objects.get(edition=open_edition, unit=current_unit("01"))
    prefix = next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == [str(hanoi.pk)]
    )
    data[f"{prefix}-quota"] = ["3"]
    response = staff_client.post(url, data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_participant_admin_raising_quota_in_list_promotes_waiting(staff_client, open_edition):
    RegistrationFactory.create_batch(2, edition=open_edition)
    waiting = RegistrationFactory(edition=open_edition, status="waitlisted")
    url = reverse("admin:conference_editionparticipant_changelist")
    data = form_data(staff_client.get(url, {"edition__id__exact": open_edition.pk}))
    hanoi = EditionParticipant.objects.get(edition=open_edition, unit=current_unit("01"))
    prefix = next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == [str(hanoi.pk)]
    )
    data[f"{prefix}-quota"] = ["3"]
    data["_save"] = ["Save"]
    data.pop("action", None)
    response = staff_client.post(f"{url}?edition__id__exact={open_edition.pk}", data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_audit_admin_shows_translated_action_and_actor(staff_client, open_edition):
    services.delegate_register(
        edition=open_edition, data=delegate_data(), consent=True, join_waitlist=False
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_label) == ("registration.create", "system:delegate")
    with translation.override("en"):
        assert (entry.get_action_display(), entry.actor_display) == (
            "registered",
            "the delegate (self-service link)",
        )
    page = staff_client.get(reverse("admin:conference_auditentry_changelist"))
    text = page_text(page)
    assert "registration.create" not in text
    assert "system:delegate" not in text
    with translation.override("vi"):
        assert str(entry.get_action_display()) in text
        assert entry.actor_display in text


def test_breadcrumbs_label_translated(client, open_edition):
    with translation.override("en"):
        page = client.get(open_edition.get_absolute_url())
    assert '<nav aria-label="Breadcrumb">' in page.content.decode()


def test_registration_admin_unit_filter_tells_former_units_apart(staff_client, open_edition):
    RegistrationFactory(edition=open_edition, unit=current_unit("01"))
    RegistrationFactory(edition=open_edition, unit=current_unit("31"))
    # Hà Nội continued through 2025 as one unit; Hải Phòng merged into the new Hải Phòng
    former_haiphong = unit_before_2025("31")
    old = RegistrationFactory(edition=EditionFactory(), unit=former_haiphong)
    RegistrationFactory(edition=EditionFactory(), unit=unit_before_2025("27"))
    with translation.override("en"):
        url = reverse("admin:conference_registration_changelist")
        page = staff_client.get(url)
        cl = page.context["cl"]
        (spec,) = [
            spec for spec in cl.filter_specs if getattr(spec, "parameter_name", "") == "unit"
        ]
        choices = [str(choice["display"]) for choice in spec.choices(cl)]
    # Vietnamese order: "Hà Nội" before "Hải Phòng" (a before ả), ended units after current ones.
    assert choices == [
        "All",
        "Bắc Ninh (until 30/06/2025)",
        "Hà Nội",
        "Hải Phòng",
        "Hải Phòng (until 30/06/2025)",
    ]
    filtered = staff_client.get(url, {"unit": former_haiphong.pk})
    assert list(filtered.context["cl"].result_list) == [old]


def test_registration_history_in_the_admin_reads_as_words(client):
    from conference.services import registrations as services

    registration = RegistrationFactory(status="confirmed")
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    services.registration_check_in(badge_code=registration.badge_code, actor=admin_user)
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:conference_registration_change", args=[registration.pk])
    ).content.decode()
    assert "registration.checked_in" not in page
    assert "checked_in</td>" not in page
    cells = [" ".join(c.split()) for c in page.split('<td class="field-')[1:]]
    assert [c for c in cells if c.startswith(("from_display", "to_display"))] == [
        'from_display"> <p>Đã xác nhận</p> </td>',
        'to_display"> <p>Đã điểm danh</p> </td>',
    ]


def test_registration_admin_search_finds_email_badge_and_phone(staff_client, open_edition):
    """The search reads only the folded column, which holds the email, the badge code and the
    phone's digits too."""
    by_email = RegistrationFactory(edition=open_edition, email="Thu.Ha@SoCongThuong.vn")
    by_badge = RegistrationFactory(edition=open_edition)
    by_phone = RegistrationFactory(edition=open_edition, phone="+84987654321")
    url = reverse("admin:conference_registration_changelist")

    def found(q):
        return list(staff_client.get(url, {"q": q}).context["cl"].result_list)

    assert found("THU.HA@socongthuong") == [by_email]
    assert found(by_badge.badge_code) == [by_badge]
    assert found(by_badge.badge_code.lower()) == [by_badge]
    assert found("0987 654 321") == [by_phone]
    assert found("nguyen dai bieu") == sorted(
        [by_email, by_badge, by_phone], key=lambda r: r.sort_key
    )


@pytest.mark.parametrize("value", ["abc", "1.5", "٣"])
def test_registration_admin_unit_filter_not_a_number_answers_as_a_bad_filter(
    staff_client, open_edition, value
):
    RegistrationFactory(edition=open_edition)
    url = reverse("admin:conference_registration_changelist")
    page = staff_client.get(url, {"unit": value})
    assert (page.status_code, page["Location"]) == (302, f"{url}?e=1")
