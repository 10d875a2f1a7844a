import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from conference.admin.outbox import NotificationAdmin
from conference.models import AuditEntry, Notification
from conference.notifications.registrations import queue_registration_email
from conference.outbox import (
    kind_label,
    notification_deliver,
    notification_queue,
    notification_rendered,
)
from tests.factories import EditionFactory, RegistrationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


Status = Notification.Status
CHANGELIST = "admin:conference_notification_changelist"


def make(n: int, *, status=Status.QUEUED, name="<b>An & Bình</b>"):
    rows = []
    for i in range(n):
        row = notification_queue(
            kind="outbox_test",
            recipient=f"delegate{i}@example.vn",
            language="vi",
            context={"sender_name": name, "requested_at": None},
            event_key=f"admin-test:{status}:{i}",
        )
        rows.append(row)
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=status,
        last_error="SMTPRecipientsRefused: 550" if status == Status.FAILED else "",
        sent_at=timezone.now() if status == Status.SENT else None,
    )
    return rows


def test_changelist_query_count_same_for_one_and_many_rows(admin_client):
    url = reverse(CHANGELIST)
    make(1, status=Status.FAILED)
    admin_client.get(url)  # warm up the session and the content-type cache
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    rows = make(20)
    Notification.objects.filter(pk__in=[r.pk for r in rows[:10]]).update(edition=EditionFactory())
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 21
    assert len(many.captured_queries) == len(one.captured_queries)


def notice(page, id) -> str | None:
    found = re.search(rf'id="{id}">(.*?)<a href="([^"]*)"', page.text, re.S)
    return found and (" ".join(found.group(1).split()), found.group(2).replace("&amp;", "&"))


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def test_changelist_shows_the_number_of_failed_emails_and_the_latest_age(admin_client):
    rows = make(3, status=Status.FAILED)
    Notification.objects.filter(pk=rows[0].pk).update(updated_at=ago(hours=3))
    Notification.objects.filter(pk__in=[r.pk for r in rows[1:]]).update(updated_at=ago(minutes=7))
    make(2)

    response = admin_client.get(reverse(CHANGELIST))

    assert notice(response, "outbox-failed") == (
        "3 emails could not be delivered (the latest 7 minutes ago).",
        "/en/admin/conference/notification/?status__exact=failed",
    )


def test_admin_index_shows_the_number_of_failed_emails(admin_client):
    make(1, status=Status.FAILED)
    response = admin_client.get(reverse("admin:index"))
    assert notice(response, "outbox-failed")[0] == (
        "1 email could not be delivered (the latest 0 minutes ago)."
    )


def test_admin_index_without_failures_shows_no_notice(admin_client):
    make(1)
    response = admin_client.get(reverse("admin:index"))
    assert 'id="outbox-health"' not in response.text


def test_admin_index_shows_stuck_emails_with_the_oldest_age(admin_client, settings):
    """Queued and overdue beyond what the requeue job takes (with the defaults 60 s + two runs
    of 30 s), or sending beyond OUTBOX_SENDING_TIMEOUT plus two runs: an outage to look at."""
    queued_late, queued_in_time, sending_late, sending_in_time = make(4)
    Notification.objects.filter(pk=queued_late.pk).update(next_attempt_at=ago(minutes=25))
    Notification.objects.filter(pk=queued_in_time.pk).update(next_attempt_at=ago(seconds=100))
    Notification.objects.filter(pk=sending_late.pk).update(
        status=Status.SENDING, claimed_at=ago(minutes=4), claim_token="t1", attempts=1
    )
    Notification.objects.filter(pk=sending_in_time.pk).update(
        status=Status.SENDING, claimed_at=ago(seconds=100), claim_token="t2", attempts=1
    )

    response = admin_client.get(reverse("admin:index"))

    assert notice(response, "outbox-stuck") == (
        "2 emails have been waiting for up to 25 minutes, longer than self-healing takes: "
        "the Celery worker, beat or Redis may be down.",
        "/en/admin/conference/notification/?status__in=queued,sending",
    )
    assert 'id="outbox-failed"' not in response.text


def test_changelist_shows_emails_retried_after_an_error(admin_client):
    retried, _first_try = make(2)
    Notification.objects.filter(pk=retried.pk).update(
        attempts=2, last_error="SMTPServerDisconnected: 451", created_at=ago(minutes=12)
    )

    response = admin_client.get(reverse(CHANGELIST))

    assert notice(response, "outbox-retrying") == (
        "1 email is being retried after an error (written 12 minutes ago).",
        "/en/admin/conference/notification/?status__in=queued,sending",
    )
    assert 'id="outbox-stuck"' not in response.text


def test_changelist_health_notice_in_vietnamese(admin_client):
    make(2, status=Status.FAILED)

    with translation.override("vi"):
        response = admin_client.get(reverse(CHANGELIST), HTTP_ACCEPT_LANGUAGE="vi")

    assert notice(response, "outbox-failed")[0] == (
        "Có 2 thư gửi không thành công (lần gần nhất cách đây 0 phút)."
    )


def test_change_view_previews_escaped_html_in_a_sandbox(admin_client):
    (row,) = make(1)
    response = admin_client.get(reverse("admin:conference_notification_change", args=[row.pk]))
    assert response.status_code == 200
    srcdoc = re.search(r'<iframe sandbox="" srcdoc="([^"]*)"', response.text).group(1)
    # The stored body escaped the value once; the attribute escapes the whole document again.
    assert "&amp;lt;b&amp;gt;An &amp;amp; Bình&amp;lt;/b&amp;gt;" in srcdoc
    assert "<b>" not in srcdoc
    assert "<pre" in response.text and "&lt;b&gt;An &amp; Bình&lt;/b&gt;" in response.text
    assert 'name="_save"' not in response.text


def test_retry_now_action_requeues_and_delivers_failed_rows(
    admin_client, admin_user, django_capture_on_commit_callbacks, mailoutbox
):
    rows = make(2, status=Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(CHANGELIST),
            {"action": "retry_now", "_selected_action": [r.pk for r in rows]},
            follow=True,
        )
    assert [str(m) for m in response.context["messages"]] == ["2 emails queued again."]
    assert sorted(Notification.objects.values_list("status", "attempts", "last_error")) == [
        (Status.SENT, 1, ""),
        (Status.SENT, 1, ""),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["delegate0@example.vn", "delegate1@example.vn"]
    assert (
        sorted(AuditEntry.objects.values_list("action", "actor", "from_state", "to_state"))
        == [("notification.retry", admin_user.pk, "failed", "queued")] * 2
    )


def test_retry_now_refuses_sent_rows_with_a_message(admin_client):
    (row,) = make(1, status=Status.SENT)
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "retry_now", "_selected_action": [row.pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "delegate0@example.vn: Only failed or queued emails can be retried; this one is Sent."
    ]
    assert Notification.objects.get().status == Status.SENT


def test_resend_action_makes_a_new_logged_row(
    admin_client, admin_user, django_capture_on_commit_callbacks, mailoutbox
):
    (row,) = make(1, status=Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse(CHANGELIST), {"action": "resend", "_selected_action": [row.pk]}, follow=True
        )
    copy = Notification.objects.exclude(pk=row.pk).get()
    assert (copy.resend_of_id, copy.status, copy.subject) == (row.pk, Status.SENT, row.subject)
    assert Notification.objects.get(pk=row.pk).status == Status.FAILED
    assert [m.to for m in mailoutbox] == [["delegate0@example.vn"]]
    assert list(AuditEntry.objects.values_list("action", "object_id", "data")) == [
        ("notification.resend", str(row.pk), {"new_notification": copy.pk})
    ]


def test_send_test_view_queues_and_delivers_a_test_email(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    url = reverse("admin:conference_notification_send_test")
    assert admin_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"recipient": "kiemtra@example.vn", "language": "en"})
    row = Notification.objects.get()
    assert response.url == reverse("admin:conference_notification_change", args=[row.pk])
    assert (row.kind, row.recipient, row.language, row.status) == (
        "outbox_test",
        "kiemtra@example.vn",
        "en",
        Status.SENT,
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            ["kiemtra@example.vn"],
            "[Northern Industry and Trade Conference] Test email from the conference site",
        )
    ]


def test_send_test_view_bad_address_shows_the_form_again(admin_client):
    url = reverse("admin:conference_notification_send_test")
    response = admin_client.post(url, {"recipient": "not an address", "language": "vi"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"recipient": ["Enter a valid email address."]}
    assert Notification.objects.count() == 0


def test_delivery_log_is_not_open_to_non_staff(client, django_user_model):
    user = django_user_model.objects.create_user("an", password="mat-khau-an-toan-2024")
    client.force_login(user)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302


def test_organizer_staff_without_model_permissions_uses_the_log(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    organizer = UserFactory(username="bantochuc", is_staff=True, roles=["organizer"])
    client.force_login(organizer)
    (row,) = make(1, status=Status.FAILED)
    index = client.get(reverse("admin:index"))
    assert 'id="outbox-failed"' in index.text
    page = client.get(reverse(CHANGELIST))
    assert list(page.context["cl"].result_list) == [row]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(CHANGELIST), {"action": "retry_now", "_selected_action": [row.pk]})
    assert Notification.objects.get(pk=row.pk).status == Status.SENT
    assert len(mailoutbox) == 1


def test_resend_action_refuses_an_email_still_queued(admin_client, mailoutbox):
    (row,) = make(1)
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "resend", "_selected_action": [row.pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "delegate0@example.vn: Only sent or failed emails can be resent; this one is Queued."
    ]
    assert Notification.objects.count() == 1
    assert AuditEntry.objects.count() == 0


# --- who may read the stored emails ---------------------------------------------------------------


def test_delivery_log_is_closed_to_staff_without_permission(client):
    """A check-in volunteer has a staff account: the stored emails (personal data, working
    self-service links) are not theirs to read."""
    volunteer = UserFactory(username="tinhnguyenvien", is_staff=True)
    client.force_login(volunteer)
    (row,) = make(1, status=Status.FAILED)

    codes = [
        client.get(reverse(CHANGELIST)).status_code,
        client.get(reverse("admin:conference_notification_change", args=[row.pk])).status_code,
        client.get(reverse("admin:conference_notification_send_test")).status_code,
        client.post(
            reverse(CHANGELIST), {"action": "resend", "_selected_action": [row.pk]}
        ).status_code,
    ]
    index = client.get(reverse("admin:index"))

    assert codes == [403, 403, 403, 403]
    assert 'id="outbox-failed"' not in index.text
    assert "/admin/conference/notification/" not in index.text
    assert Notification.objects.count() == 1


def test_delivery_log_open_to_staff_with_the_view_permission_read_only(client):
    reader = UserFactory(username="thuky", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(reader)
    (row,) = make(1, status=Status.FAILED)

    page = client.get(reverse(CHANGELIST))
    detail = client.get(reverse("admin:conference_notification_change", args=[row.pk]))
    send_test = client.get(reverse("admin:conference_notification_send_test"))

    assert (list(page.context["cl"].result_list), detail.status_code, send_test.status_code) == (
        [row],
        200,
        403,
    )
    assert page.context["cl"].model_admin.get_actions(page.wsgi_request) == {}


def _previews(response) -> tuple[str, str]:
    shown_text = re.search(
        r'<pre class="outbox-preview-text">(.*?)</pre>', response.text, re.S
    ).group(1)
    shown_html = re.search(r'<iframe sandbox="" srcdoc="([^"]*)"', response.text).group(1)
    return shown_text, shown_html


def test_change_view_of_a_queued_email_shows_it_as_it_will_be_sent_masked(admin_client):
    registration = RegistrationFactory(email="lan@example.vn", language="en")
    queue_registration_email(registration, "registration_received")
    row = Notification.objects.get()
    # Not rendered yet (the delivery task renders it); the stored context holds the
    # placeholder of the link, not the token.
    assert (row.body_text, row.body_html, row.context["manage_url"]) == (
        "",
        "",
        f"{settings.SITE_URL}/en/registration/manage/~token~/",
    )

    response = admin_client.get(reverse("admin:conference_notification_change", args=[row.pk]))

    rendered = notification_rendered(row)
    assert "/registration/manage/~token~/" in rendered.body_text
    assert _previews(response) == (
        escape(rendered.body_text.replace("~token~", "…")),
        escape(rendered.body_html.replace("~token~", "…")),
    )
    assert "data-not-sent>Not sent yet: shown as it will be written when it is sent." in (
        response.text
    )


def test_change_view_masks_the_self_service_link(admin_client, mailoutbox):
    registration = RegistrationFactory(email="lan@example.vn", language="en")
    queue_registration_email(registration, "registration_received")
    row = Notification.objects.get()
    assert notification_deliver(notification_id=row.pk, token="t1") == "sent"
    row.refresh_from_db()
    # The row holds the placeholder, not the token (the outbox puts it in at send time).
    stored = set(re.findall(r"/registration/manage/([^/\s\"]+)/", row.body_text + row.body_html))
    assert stored == {"~token~"}

    response = admin_client.get(reverse("admin:conference_notification_change", args=[row.pk]))

    assert _previews(response) == (
        escape(row.body_text.replace("~token~", "…")),
        escape(row.body_html.replace("~token~", "…")),
    )
    assert "data-not-sent" not in response.text


def test_resend_action_clicked_twice_makes_one_copy(admin_client):
    (row,) = make(1, status=Status.SENT)
    click = {"action": "resend", "_selected_action": [row.pk]}

    first = admin_client.post(reverse(CHANGELIST), click, follow=True)
    second = admin_client.post(reverse(CHANGELIST), click, follow=True)

    assert [[str(m) for m in r.context["messages"]] for r in (first, second)] == [
        ["1 email resent."],
        [
            "delegate0@example.vn: This email has just been resent and that copy is not "
            "delivered yet (Queued); resend it again once the copy is sent or failed."
        ],
    ]
    assert list(Notification.objects.order_by("pk").values_list("event_key", "resend_of")) == [
        (row.event_key, None),
        (f"resend:{row.pk}:1", row.pk),
    ]


def _filter_choices(response, title: str) -> list[str]:
    cl = response.context["cl"]
    (spec,) = [spec for spec in cl.filter_specs if str(spec.title) == title]
    return [str(choice["display"]) for choice in spec.choices(cl)]


def test_changelist_shows_kinds_by_label_and_filters_by_them(admin_client):
    make(1)
    registration = RegistrationFactory(email="an@example.vn")
    queue_registration_email(registration, "registration_confirmed")
    Notification.objects.create(
        kind="retired_kind", event_key="old", recipient="old@example.vn", language="en"
    )
    response = admin_client.get(reverse(CHANGELIST))
    rows = response.context["cl"].result_list
    assert sorted(NotificationAdmin.kind_display(None, row) for row in rows) == [
        "Registration confirmed",
        "Test email",
        "retired_kind",
    ]
    # tests/conference/test_outbox.py registers a kind of its own when it is collected.
    choices = [c for c in _filter_choices(response, "kind") if c != "outbox_unit_test"]
    # Every registered kind by its label and the retired code, in Vietnamese order (proposals
    # and accounts register kinds of their own).
    from conference.outbox import KINDS
    from conference.vietnamese import sort_key

    labels = {kind_label(code) for code in KINDS if code != "outbox_unit_test"} | {"retired_kind"}
    assert choices == ["All", *sorted(labels, key=sort_key)]
    assert {"Email address to confirm", "Password reset", "Registration confirmed"} <= labels
    filtered = admin_client.get(reverse(CHANGELIST) + "?kind=registration_confirmed")
    assert [row.recipient for row in filtered.context["cl"].result_list] == ["an@example.vn"]


def test_kind_label_falls_back_to_the_code():
    assert (kind_label("outbox_test"), kind_label("no_such_kind")) == ("Test email", "no_such_kind")


def test_change_view_shows_kind_label_and_language_name_in_vietnamese(admin_client):
    (row,) = make(1)
    with translation.override("vi"):
        response = admin_client.get(reverse("admin:conference_notification_change", args=[row.pk]))
        fields = {
            str(field.field["label"]): str(field.contents())
            for fieldset in response.context["adminform"]
            for line in fieldset
            for field in line
            if field.field["name"] in {"language", "kind_display"}
        }
        assert fields == {"ngôn ngữ": "Tiếng Việt", "loại": kind_label("outbox_test")}
        assert _filter_choices(admin_client.get(reverse(CHANGELIST)), "ngôn ngữ") == [
            "Tất cả",
            "Tiếng Việt",
            "Tiếng Anh",
        ]
