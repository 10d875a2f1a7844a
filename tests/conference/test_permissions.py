import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from conference.permissions import can, department_of, require, roles
from provinces.models import Department
from tests.factories import LiaisonFactory, UserFactory, current_unit

pytestmark = pytest.mark.django_db


def test_roles_come_from_groups_membership_and_staff_flag():
    organizer = UserFactory(username="org", roles=["organizer"])
    reviewer = UserFactory(username="rev", roles=["reviewer"])
    liaison = LiaisonFactory(username="lia")
    staff = UserFactory(username="staff", is_staff=True)
    assert roles(organizer) == {"organizer"}
    assert roles(reviewer) == {"reviewer"}
    assert roles(liaison) == {"liaison"}
    assert roles(staff) == {"staff"}
    assert roles(AnonymousUser()) == frozenset()


def test_liaison_manages_only_their_own_province():
    liaison = LiaisonFactory(username="lia")
    assert department_of(liaison) == Department.objects.get(unit=current_unit("01"))
    assert can(liaison, "delegation.manage", current_unit("01"))
    assert not can(liaison, "delegation.manage", current_unit("22"))
    assert not can(liaison, "edition.manage")
    assert not can(liaison, "proposal.decide")


def test_organizer_manages_everything_reviewer_only_reviews():
    organizer = UserFactory(username="org", roles=["organizer"])
    reviewer = UserFactory(username="rev", roles=["reviewer"])
    assert can(organizer, "delegation.manage", current_unit("22"))
    assert can(organizer, "edition.manage")
    assert can(reviewer, "proposal.review")
    assert not can(reviewer, "proposal.decide")
    assert not can(reviewer, "delegation.view", current_unit("22"))


def test_unknown_action_and_inactive_users_are_refused():
    superuser = UserFactory(username="root", is_superuser=True)
    inactive = UserFactory(username="gone", roles=["organizer"], is_active=False)
    assert can(superuser, "anything.at.all")
    assert not can(UserFactory(username="org", roles=["organizer"]), "no.such.action")
    assert not can(inactive, "edition.manage")
    assert not can(AnonymousUser(), "edition.manage")


def test_require_raises_permission_denied():
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), "edition.manage")
    require(UserFactory(username="org", roles=["organizer"]), "edition.manage")


def test_liaison_is_not_allowed_a_registration_without_a_province():
    from tests.factories import RegistrationFactory

    liaison = LiaisonFactory(username="lia")
    guest = RegistrationFactory(unit=None, organisation_kind="press")
    assert not can(liaison, "delegation.manage", guest)
    assert can(liaison, "delegation.manage", RegistrationFactory(unit=current_unit("01")))


def test_staff_checks_in_but_only_organizers_manage_the_emails():
    volunteer = UserFactory(username="tnv", is_staff=True)
    organizer = UserFactory(username="org", roles=["organizer"])
    superuser = UserFactory(username="root", is_superuser=True)

    assert [
        (can(user, "checkin.perform"), can(user, "notification.manage"))
        for user in (volunteer, organizer, superuser)
    ] == [(True, False), (True, True), (True, True)]
