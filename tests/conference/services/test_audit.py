import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from conference.models import AuditEntry
from conference.services.audit import audit_record, register_audit_actions
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def example_actions():
    """Actions another app registers in its AppConfig.ready(); taken away afterwards."""
    actions = {"example.submit": _("submitted")}
    register_audit_actions(actions)
    yield actions
    for code in actions:
        del AuditEntry.ACTIONS[code]


def test_audit_record_of_another_apps_action_shows_its_label(example_actions):
    user = UserFactory(username="lan", full_name="Phạm Ngọc Lan")
    entry = audit_record(subject=EditionFactory(), action="example.submit", actor=user)
    entry.refresh_from_db()
    with translation.override("en"):
        assert (entry.actor, entry.actor_label, entry.get_action_display(), str(entry)) == (
            user,
            str(user),
            "submitted",
            "submitted",
        )


def test_audit_record_actor_rule_user_code_or_system():
    edition = EditionFactory()
    by_code = audit_record(subject=edition, action="registration.export", actor=AuditEntry.DELEGATE)
    by_system = audit_record(subject=edition, action="registration.export")
    with translation.override("en"):
        assert [(e.actor, e.actor_label, e.actor_display) for e in (by_code, by_system)] == [
            (None, "system:delegate", "the delegate (self-service link)"),
            (None, "", ""),
        ]


def test_audit_record_refuses_unregistered_actions_and_unknown_actor_codes():
    edition = EditionFactory()
    with pytest.raises(ValueError, match=r"Unregistered audit action 'proposal\.nothing'"):
        audit_record(subject=edition, action="proposal.nothing")
    with pytest.raises(ValueError, match="Unknown actor code 'somebody'"):
        audit_record(subject=edition, action="registration.export", actor="somebody")
    assert AuditEntry.objects.count() == 0


def test_register_audit_actions_refuses_a_code_claimed_twice(example_actions):
    with pytest.raises(ImproperlyConfigured, match=r"'example\.submit' is already registered"):
        register_audit_actions({"example.submit": _("sent")})
    register_audit_actions(example_actions)  # the same registration again is harmless
    with translation.override("en"):
        assert str(AuditEntry.ACTIONS["example.submit"]) == "submitted"
