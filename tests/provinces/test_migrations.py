"""The data migration that merges the duplicate "(mới)" rows of the ten unchanged units."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps

from conference.models import Chair, Edition, EditionParticipant, Registration
from provinces.models import Department, DepartmentMember, ProvincialUnit
from tests.factories import (
    ChairFactory,
    EditionFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

migration = import_module("provinces.migrations.0004_unchanged_units_continue")


def _duplicate_as_loaded_before_the_fix(unit: ProvincialUnit) -> ProvincialUnit:
    """What the first data load made of an unchanged unit: an end on 30/06/2025 and a "new" row
    with its own department from 01/07/2025."""
    unit.valid_until = datetime.date(2025, 6, 30)
    unit.save()
    duplicate = ProvincialUnit.objects.create(
        code=unit.code,
        name=unit.name,
        name_ascii=unit.name_ascii,
        kind=unit.kind,
        region=unit.region,
        valid_from=datetime.date(2025, 7, 1),
    )
    unit.successor = duplicate
    unit.save()
    Department.objects.create(
        unit=duplicate, name=f"Sở Công Thương {unit.name}", email="sct@caobang.gov.vn"
    )
    return duplicate


def test_merge_moves_everything_to_the_unit_that_continues():
    cao_bang = ProvincialUnit.objects.get(name="Cao Bằng")
    kept_department = cao_bang.department
    duplicate = _duplicate_as_loaded_before_the_fix(cao_bang)
    xi = Edition.objects.get(number=11)
    EditionParticipant.objects.filter(edition=xi, unit=cao_bang).update(unit=duplicate)
    both = EditionFactory(number=40)
    EditionParticipant.objects.create(edition=both, unit=cao_bang)
    EditionParticipant.objects.create(edition=both, unit=duplicate, quota=12)
    registration = RegistrationFactory(edition=EditionFactory(number=41), unit=duplicate)
    chair = ChairFactory(
        edition=xi, full_name="Người Chủ Trì", position="pc_chairman", unit=duplicate
    )
    member = DepartmentMember.objects.create(
        user=UserFactory(username="lienlac"), department=duplicate.department
    )
    hosted = EditionFactory(number=42, host=duplicate, held_in=duplicate)

    migration.forwards(apps, None)

    assert list(ProvincialUnit.objects.filter(code="04").values_list("pk", flat=True)) == [
        cao_bang.pk
    ]
    cao_bang.refresh_from_db()
    assert (cao_bang.valid_from, cao_bang.valid_until, cao_bang.successor) == (None, None, None)
    assert cao_bang.ended_by is None
    assert list(
        EditionParticipant.objects.filter(unit=cao_bang).values_list("edition__number", "quota")
    ) == [(9, None), (10, None), (11, None), (40, 12), (41, None)]
    assert Registration.objects.get(pk=registration.pk).unit == cao_bang
    assert Chair.objects.get(pk=chair.pk).unit == cao_bang
    assert Edition.objects.filter(pk=hosted.pk).values_list("host", "held_in").get() == (
        cao_bang.pk,
        cao_bang.pk,
    )
    assert DepartmentMember.objects.get(pk=member.pk).department == kept_department
    assert list(Department.objects.filter(unit__code="04").values_list("pk", "email")) == [
        (kept_department.pk, "sct@caobang.gov.vn")
    ]


def test_merge_is_a_no_op_on_correct_data():
    before = list(ProvincialUnit.objects.values_list("pk", "valid_until", "successor", "ended_by"))

    migration.forwards(apps, None)

    after = list(ProvincialUnit.objects.values_list("pk", "valid_until", "successor", "ended_by"))
    assert after == before
