import pytest

from conference.permissions import RULES, can
from conference.predicates import is_liaison_of, is_organizer, same_province_as
from provinces.models import Department, DepartmentMember
from tests.factories import LiaisonFactory, RegistrationFactory, UserFactory, current_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def example_rule():
    """A rule another app adds in its AppConfig.ready(); taken away afterwards."""
    RULES.add_rule("example.view", is_organizer | is_liaison_of)
    yield "example.view"
    RULES.remove_rule("example.view")


def test_another_app_adds_a_rule_that_can_answers(example_rule):
    liaison = LiaisonFactory(username="lia")
    registration = RegistrationFactory(unit=current_unit("01"))
    assert [
        can(liaison, example_rule, registration),
        can(liaison, example_rule, current_unit("31")),
        can(UserFactory(username="org", roles=["organizer"]), example_rule, current_unit("31")),
        can(UserFactory(username="rev", roles=["reviewer"]), example_rule, current_unit("01")),
    ] == [True, False, True, False]


def test_same_province_as_counts_every_member_of_the_department_not_only_liaisons():
    member = UserFactory(username="member")
    DepartmentMember.objects.create(
        user=member, department=Department.objects.get(unit=current_unit("31")), is_liaison=False
    )
    outsider = UserFactory(username="outsider")
    assert [
        same_province_as(member, current_unit("31")),
        same_province_as(member, RegistrationFactory(unit=current_unit("01"))),
        is_liaison_of(member, current_unit("31")),
        same_province_as(outsider, current_unit("31")),
        same_province_as(member, None),
    ] == [True, False, False, False, False]
