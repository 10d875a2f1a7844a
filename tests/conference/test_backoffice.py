"""The back office: decisions that a keystroke cannot make, reversing a decision, the page of one
registration, the organizers' admin permissions and the admin's Vietnamese."""

import io
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from conference.admin.accounts_text import permission_label
from conference.models import (
    AuditEntry,
    Edition,
    EditionParticipant,
    Notification,
    Registration,
    User,
)
from conference.permissions import ORGANIZER, organizer_permission_codes
from conference.services import registrations as services
from tests.emails import prefixed
from tests.factories import LiaisonFactory, RegistrationFactory, UserFactory, current_unit
from tests.html import form_data, page_text, texts

pytestmark = pytest.mark.django_db


def url(name, *args, lang="vi", **kwargs):
    with translation.override(lang):
        return reverse(f"conference:{name}", args=args, kwargs=kwargs or None)


@pytest.fixture
def organizer():
    return UserFactory(username="bantochuc", full_name="Trần Minh Quân", roles=[ORGANIZER])


class _Forms(HTMLParser):
    """Each POST form of a page: its text boxes and the value of its default button (the first
    submit button: what Enter in a text box presses)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.ids: dict[str, dict] = {}
        self.current: dict | None = None

    def _form_of(self, attrs):
        if attrs.get("form"):
            return self.ids.get(attrs["form"])
        return self.current

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.current = {"text": 0, "default": None, "has_default": False}
            self.forms.append(self.current)
            if attrs.get("id"):
                self.ids[attrs["id"]] = self.current
            return
        form = self._form_of(attrs)
        if form is None:
            return
        if tag == "input" and attrs.get("type", "text") in ("text", "search", "email", "tel"):
            form["text"] += 1
        if tag == "button" and attrs.get("type", "submit") == "submit" and not form["has_default"]:
            form["has_default"] = True
            form["default"] = attrs.get("value")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def _defaults_of_forms_with_text(html: str) -> list:
    parser = _Forms()
    parser.feed(html)
    return [form["default"] for form in parser.forms if form["text"]]


# --- Enter never confirms ------------------------------------------------------------------------


def test_decision_forms_enter_in_a_reason_box_never_confirms(client, open_edition, organizer):
    RegistrationFactory(edition=open_edition)
    RegistrationFactory(edition=open_edition, status="confirmed")
    client.force_login(organizer)
    for page in (
        client.get(url("registration_list"), {"edition": open_edition.number}),
        client.get(url("delegation_unit", open_edition.number, current_unit("01").pk)),
    ):
        defaults = _defaults_of_forms_with_text(page.content.decode())
        # The row's decline form, the bulk form (no default button: its action must be
        # chosen), the reversal form of the confirmed row, the search form is a GET.
        assert "confirm" not in defaults
        assert defaults and set(defaults) <= {"decline", "reverse", None}


def test_bulk_decision_sent_without_an_action_changes_nothing(client, open_edition):
    pending = RegistrationFactory(edition=open_edition)
    client.force_login(LiaisonFactory())
    response = client.post(
        url("delegation", open_edition.number),
        {"registrations": [pending.pk], "action": "", "reason": "Trùng người"},
        follow=True,
    )
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert [str(m) for m in response.context["messages"]] == [
        "Vui lòng chọn việc cần làm với các đại biểu đã đánh dấu."
    ]


# --- reversing a decision ------------------------------------------------------------------------


def test_reverse_confirmed_to_pending_is_audited_and_emailed(
    client, open_edition, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=open_edition, language="en")
    services.registration_confirm(registration=registration, actor=organizer)
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("registration_reverse", registration.pk, lang="en"),
            {"to": "pending", "reason": "Confirmed by mistake"},
            follow=True,
        )
    registration.refresh_from_db()
    assert registration.status == "pending"
    assert [str(m) for m in response.context["messages"]] == [
        f"{registration.full_name}: the decision is reversed; the registration is now "
        "“Awaiting confirmation”."
    ]
    entry = AuditEntry.objects.filter(action="registration.decision_reversed").get()
    assert (entry.actor, entry.from_state, entry.to_state, entry.reason) == (
        organizer,
        "confirmed",
        "pending",
        "Confirmed by mistake",
    )
    reopened = [m for m in mailoutbox if "again" in m.subject]
    assert [(m.to, m.subject) for m in reopened] == [
        (
            [registration.email],
            prefixed(registration.edition, "Your registration awaits confirmation again", "en"),
        )
    ]
    assert "Reason: Confirmed by mistake" in reopened[0].body
    # Confirmed again: the delegate is told again (not taken for a duplicate email).
    services.registration_confirm(registration=registration, actor=organizer)
    assert list(
        Notification.objects.filter(kind="registration_confirmed").values_list(
            "event_key", flat=True
        )
    ) == [
        f"registration_confirmed:{registration.pk}:confirmed:round:1",
        f"registration_confirmed:{registration.pk}:confirmed:",
    ]


def test_reverse_confirmed_to_declined_frees_the_seat_for_the_waiting_list(open_edition, organizer):
    confirmed = RegistrationFactory(edition=open_edition, status="confirmed")
    RegistrationFactory(edition=open_edition, status="confirmed")
    waiting = RegistrationFactory(edition=open_edition, status="waitlisted")
    services.registration_reverse_decision(
        registration=confirmed, actor=organizer, to="declined", reason="Không đúng thành phần"
    )
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert (confirmed.status, waiting.status) == ("declined", "pending")
    assert services.decline_reason(confirmed) == "Không đúng thành phần"
    assert list(
        Notification.objects.filter(recipient=confirmed.email).values_list("kind", flat=True)
    ) == ["registration_declined"]


def test_reverse_declined_to_pending_needs_a_free_seat(open_edition, organizer):
    declined = RegistrationFactory(edition=open_edition, status="declined")
    RegistrationFactory.create_batch(2, edition=open_edition, status="confirmed")  # quota 2
    with pytest.raises(services.ValidationError) as error:
        services.registration_reverse_decision(
            registration=declined, actor=organizer, to="pending", reason="Nhầm"
        )
    assert error.value.messages == [
        "Không còn chỗ cho đại biểu này (tỉnh đã dùng hết số chỗ được phân bổ): hãy tăng sức "
        "chứa hoặc số chỗ được phân bổ trước."
    ]
    declined.refresh_from_db()
    assert declined.status == "declined"
    EditionParticipant.objects.filter(edition=open_edition).update(quota=3)
    services.registration_reverse_decision(
        registration=declined, actor=organizer, to="pending", reason="Nhầm"
    )
    declined.refresh_from_db()
    assert declined.status == "pending"


@pytest.mark.parametrize(
    ("status", "to", "reason", "message"),
    [
        ("confirmed", "pending", "  ", "Vui lòng nêu lý do: lý do được gửi tới đại biểu."),
        (
            "pending",
            "declined",
            "Nhầm",
            ("Đăng ký ở trạng thái “Chờ xác nhận” không thể chuyển sang “Không được chấp thuận”."),
        ),
        (
            "declined",
            "declined",
            "Nhầm",
            (
                "Đăng ký ở trạng thái “Không được chấp thuận” không thể chuyển sang “Không được "
                "chấp thuận”."
            ),
        ),
    ],
)
def test_reverse_refused_without_reason_or_outside_the_reversals(
    open_edition, organizer, status, to, reason, message
):
    registration = RegistrationFactory(edition=open_edition, status=status)
    with pytest.raises(services.ValidationError) as error:
        services.registration_reverse_decision(
            registration=registration, actor=organizer, to=to, reason=reason
        )
    assert error.value.messages == [message]
    registration.refresh_from_db()
    assert registration.status == status


def test_reverse_is_for_organizers_not_liaisons(client, open_edition):
    registration = RegistrationFactory(edition=open_edition, status="confirmed")
    client.force_login(LiaisonFactory())
    response = client.post(
        url("registration_reverse", registration.pk), {"to": "pending", "reason": "Nhầm"}
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == "confirmed"


# --- the organizers' admin -----------------------------------------------------------------------


def test_organizer_group_has_exactly_the_declared_permissions():
    group = Group.objects.get(name=ORGANIZER)
    assert (
        set(group.permissions.values_list("content_type__app_label", "codename"))
        == organizer_permission_codes()
    )


def test_organizer_group_permissions_are_restored_by_migrate():
    group = Group.objects.get(name=ORGANIZER)
    group.permissions.clear()
    call_command("migrate", verbosity=0)
    assert (
        set(group.permissions.values_list("content_type__app_label", "codename"))
        == organizer_permission_codes()
    )


@pytest.mark.parametrize(
    ("admin_url", "status"),
    [
        ("admin:conference_edition_changelist", 200),
        ("admin:conference_editionparticipant_changelist", 200),
        ("admin:conference_registration_changelist", 200),
        ("admin:conference_notification_changelist", 200),
        ("admin:conference_auditentry_changelist", 200),
        ("admin:provinces_departmentmember_add", 200),
        ("admin:conference_user_add", 403),
        ("admin:auth_group_changelist", 403),
    ],
)
def test_organizer_uses_the_admin_with_their_permissions_only(client, admin_url, status):
    user = UserFactory(username="tochuc", is_staff=True, roles=[ORGANIZER])
    client.force_login(user)
    assert client.get(reverse(admin_url)).status_code == status


def test_demo_staff_account_cannot_read_the_delivery_log(client):
    call_command("demo_data", stdout=io.StringIO())
    client.force_login(User.objects.get(username="staff"))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:conference_notification_changelist")).status_code == 403
    client.force_login(User.objects.get(username="organizer"))
    assert client.get(reverse("admin:conference_notification_changelist")).status_code == 200


# --- the admin in Vietnamese ---------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def test_edition_admin_end_before_start_is_a_field_error_in_vietnamese(
    superuser_client, open_edition
):
    change = reverse("admin:conference_edition_change", args=[open_edition.pk])
    data = form_data(superuser_client.get(change))
    data["date"] = ["20/10/2030"]
    data["end_date"] = ["18/10/2030"]
    page = superuser_client.post(change, data)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert form.errors == {"end_date": ["Ngày cuối không thể trước ngày đầu."]}
    assert "edition_end_after_start" not in page.content.decode()


def test_edition_admin_warns_of_a_late_close_and_a_capacity_below_the_seats_taken(
    superuser_client, open_edition
):
    RegistrationFactory.create_batch(2, edition=open_edition)
    change = reverse("admin:conference_edition_change", args=[open_edition.pk])
    data = form_data(superuser_client.get(change))
    data["capacity"] = ["1"]
    data["registration_closes_at_0"] = [open_edition.date.strftime("%d/%m/%Y")]
    data["registration_closes_at_1"] = ["17:00"]
    response = superuser_client.post(change, data, follow=True)
    assert [str(m) for m in response.context["messages"]][:-1] == [
        f"Hạn đăng ký là 17:00 ngày {open_edition.date:%d/%m/%Y}, sau khi hội nghị bắt đầu "
        f"({open_edition.date:%d/%m/%Y}).",
        "Sức chứa (1) thấp hơn số chỗ đã có người (2): không ai mất chỗ, nhưng không ai được "
        "thêm chỗ.",
    ]


def test_audit_admin_names_states_and_subjects_in_vietnamese(superuser_client, open_edition):
    registration = RegistrationFactory(edition=open_edition)
    services.registration_confirm(registration=registration, actor=UserFactory())
    page = superuser_client.get(reverse("admin:conference_auditentry_changelist"))
    rows = texts(page, "field-to_display")
    assert rows == ["Đã xác nhận"]
    assert texts(page, "field-subject_kind") == ["đăng ký"]
    text = page_text(page)
    assert "confirmed" not in text and "conference |" not in text


def test_registration_admin_finds_a_badge_code_as_printed(superuser_client, open_edition):
    registration = RegistrationFactory(edition=open_edition, badge_code="7K3M9QXD2P")
    RegistrationFactory(edition=open_edition)
    response = superuser_client.get(
        reverse("admin:conference_registration_changelist"), {"q": "7K3M9-QXD2P"}
    )
    assert list(response.context["cl"].result_list) == [registration]


def test_registration_shows_its_badge_code_as_printed(open_edition):
    registration = RegistrationFactory(edition=open_edition, badge_code="7K3M9QXD2P")
    assert registration.badge_code_display == "7K3M9-QXD2P"
    assert Edition.objects.filter(pk=open_edition.pk).exists()
    assert Registration.objects.search("7k3m9-qxd2p").get() == registration


def test_admin_access_attempts_are_in_vietnamese(superuser_client):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="ai-do", ip_address="127.0.0.1", user_agent="Firefox", failures_since_start=3
    )
    page = superuser_client.get(reverse("admin:axes_accessattempt_changelist"))
    text = page_text(page)
    assert "Địa chỉ IP" in text and "Bảo vệ đăng nhập" in text
    assert "IP Address" not in text and "access attempt" not in text.lower()


def test_group_admin_names_permissions_in_vietnamese(superuser_client):
    group = Group.objects.get(name=ORGANIZER)
    page = superuser_client.get(reverse("admin:auth_group_change", args=[group.pk]))
    html = page.content.decode()
    registration = Permission.objects.get(codename="view_registration")
    with translation.override("vi"):
        label = permission_label(registration)
    assert label.endswith(" | Xem đăng ký")
    assert f"{label}</option>" in html
    assert "Can view" not in html and "conference |" not in html
