"""Every admin action of every model declares the permission it needs, and a staff account that
may only view changes nothing through any of them. The loops read the admin's registry, so a new
model's actions are covered without touching this file."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from conference.models import (
    AuditEntry,
    DelegateMessage,
    DigestSent,
    FileJob,
    MessageRecipient,
    Notification,
    User,
)
from proposals.models import Attachment, Decision, MinistryResponse
from tests.factories import (
    AgendaItemFactory,
    ChairFactory,
    LiaisonFactory,
    ProgrammePartFactory,
    ProposalFactory,
    ProposalWindowFactory,
    RegistrationFactory,
    ReviewerAssignmentFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Tables a request writes whatever it does (the session of the logged-in account).
NOT_COMPARED = {"sessions.session"}


def _base_actions():
    """(model admin, action function, name) for every action of every registered model."""
    for model, model_admin in admin.site._registry.items():
        for func, name, _description in model_admin._get_base_actions():
            yield model, model_admin, func, name


def _database() -> dict[str, list[dict]]:
    return {
        model._meta.label_lower: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label_lower not in NOT_COMPARED
    }


@pytest.fixture
def view_only_client(client):
    """A staff account with the "view" permission of every model, and nothing else."""
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(viewer)
    return client


@pytest.fixture
def one_of_everything(open_edition):
    """At least one row of every model the admin shows (most come from the data migrations)."""
    registration = RegistrationFactory(edition=open_edition)
    RegistrationFactory(edition=open_edition, status="waitlisted")
    RegistrationFactory(edition=open_edition, status="confirmed")
    ProgrammePartFactory(edition=open_edition)
    ChairFactory(edition=open_edition)
    AgendaItemFactory(edition=open_edition)
    LiaisonFactory(username="liaison-x")
    ProposalWindowFactory(edition=open_edition)
    proposal = ProposalFactory(edition=open_edition, state="in_review")
    ReviewerAssignmentFactory(proposal=proposal)
    ReviewFactory(proposal=proposal)
    Decision.objects.create(proposal=proposal, outcome="accept")
    MinistryResponse.objects.create(
        proposal=proposal, status="answered", date=open_edition.date, issued_by="Bộ", text="-"
    )
    Attachment.objects.create(
        proposal=proposal, kind="pdf", file="x.pdf", original_name="x.pdf", size=1
    )
    Notification.objects.create(
        recipient="a@example.vn", kind="test_email", event_key="test:1", subject="s", body_text="t"
    )
    AuditEntry.objects.create(actor_label="x", action="registration.create", subject=registration)
    message = DelegateMessage.objects.create(edition=open_edition, subject="s", body="b")
    MessageRecipient.objects.create(message=message, registration=registration)
    DigestSent.objects.create(user=User.objects.first(), items=["registration:1"])
    FileJob.objects.create(kind="badges_pdf", edition=open_edition, query="", language="vi")
    attempt = {"user_agent": "ua", "ip_address": "192.0.2.1", "username": "u", "path_info": "/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)
    return registration


def test_admin_actions_every_one_declares_its_permissions():
    undeclared = [
        f"{model._meta.label}.{name}"
        for model, _model_admin, func, name in _base_actions()
        if not getattr(func, "allowed_permissions", ())
    ]
    assert undeclared == []


def test_admin_actions_view_only_staff_is_offered_none(view_only_client):
    request = RequestFactory().get("/admin/")
    request.user = _viewer()
    offered = {
        model._meta.label: sorted(model_admin.get_actions(request))
        for model, model_admin in admin.site._registry.items()
        if model_admin.get_actions(request)
    }
    assert offered == {}


def _viewer():
    from conference.models import User

    return User.objects.get(username="viewer")


def test_admin_actions_view_only_staff_changes_nothing(view_only_client, one_of_everything):
    before = _database()
    tried = []
    for model, _model_admin, _func, name in _base_actions():
        rows = list(model.objects.order_by("pk").values_list("pk", flat=True)[:3])
        assert rows, f"no {model._meta.label} row to run {name} on: add one to one_of_everything"
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = view_only_client.post(
            url, {"action": name, "_selected_action": rows, "post": "yes", "reason": "x"}
        )
        assert response.status_code in (200, 302, 403), (model, name, response.status_code)
        tried.append(f"{model._meta.label}.{name}")
    assert "conference.Registration.erase" in tried
    assert _database() == before
