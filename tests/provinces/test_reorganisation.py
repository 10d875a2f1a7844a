"""Applying a reorganisation from a file: the dry run, the apply, the refusals."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from conference.models import AuditEntry
from provinces.models import Department, ProvincialUnit, Reorganisation
from provinces.services import reorganisation_apply, reorganisation_plan_from_file

pytestmark = pytest.mark.django_db

MADE_UP = {
    "key": "2030",
    "name": "Sắp xếp thử năm 2030",
    "resolution": "Nghị quyết thử số 1/2030",
    "decided_on": "2029-11-20",
    "governments_from": "01/01/2030",
    "unchanged": ["01"],
    "new_units": [
        {
            "code": "20",
            "name": "Lạng Sơn",
            "name_ascii": "Lang Son",
            "kind": "province",
            "region": "TDMNPB",
            "merged_from": ["04", "20"],
        }
    ],
}
EXPECTED_CHANGES = [
    "Record the reorganisation: Sắp xếp thử năm 2030.",
    "Create Lạng Sơn (code 20) from 01/01/2030, with its department.",
    "End Cao Bằng (code 04) on 31/12/2029: merged into Lạng Sơn.",
    "End Lạng Sơn (code 20) on 31/12/2029: merged into Lạng Sơn.",
]


def _file(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "reorganisation.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _units():
    return list(ProvincialUnit.objects.values_list("code", "name", "valid_until", "successor"))


def _audit_entries():
    return list(
        AuditEntry.objects.filter(action="reorganisation.apply")
        .order_by("pk")
        .values_list("object_id", "actor_id", "actor_label", "data")
    )


def test_reorganisation_dry_run_prints_the_changes_and_changes_nothing(tmp_path, capsys):
    before = _units()

    with translation.override("en"):
        call_command("apply_reorganisation", _file(tmp_path, MADE_UP), "--dry-run")

    assert capsys.readouterr().out.splitlines() == [
        *EXPECTED_CHANGES,
        "Dry run: nothing was changed.",
    ]
    assert _units() == before
    assert not Reorganisation.objects.filter(key="2030").exists()
    assert _audit_entries() == []


def test_reorganisation_apply_merges_and_is_idempotent(tmp_path, capsys):
    with translation.override("en"):
        call_command("apply_reorganisation", _file(tmp_path, MADE_UP))
        assert capsys.readouterr().out.splitlines() == [*EXPECTED_CHANGES, "Applied."]

    new = ProvincialUnit.objects.get(code="20", valid_from=datetime.date(2030, 1, 1))
    reorganisation = Reorganisation.objects.get(key="2030")
    assert list(
        ProvincialUnit.objects.filter(successor=new)
        .order_by("code")
        .values_list("name", "valid_until", "ended_by")
    ) == [
        ("Cao Bằng", datetime.date(2029, 12, 31), reorganisation.pk),
        ("Lạng Sơn", datetime.date(2029, 12, 31), reorganisation.pk),
    ]
    assert Department.objects.get(unit=new).name == "Sở Công Thương Lạng Sơn"
    assert ProvincialUnit.objects.get(code="01").valid_until is None
    # Until the new governments start, today's units are still the old ones.
    assert ProvincialUnit.objects.current().count() == 18

    with translation.override("en"):
        call_command("apply_reorganisation", _file(tmp_path, MADE_UP))
    assert capsys.readouterr().out.splitlines() == [
        "Nothing to change: this reorganisation is already applied."
    ]
    # One audit entry, by the command, with what changed; the second run changed nothing.
    assert _audit_entries() == [
        (str(reorganisation.pk), None, "system:command", {"changes": EXPECTED_CHANGES})
    ]


def test_reorganisation_2025_file_matches_the_loaded_data(capsys):
    with translation.override("en"):
        call_command("apply_reorganisation", "provinces/reorganisations/2025.json", "--dry-run")

    assert capsys.readouterr().out.splitlines() == [
        "Nothing to change: this reorganisation is already applied."
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"unchanged": ["04"]},
            "Each unit may be merged once or continue, not both: 04.",
        ),
        (
            {"governments_from": "2029-01-01"},
            "The new governments cannot start before the resolution was adopted.",
        ),
        (
            {"decided_on": "20/13/2029"},
            "decided_on: 20/13/2029 is not a date (write 2025-07-01 or 01/07/2025).",
        ),
        ({"unchanged": ["99"]}, "No unit with code 99 existed on 31/12/2029."),
        ({"colour": "red"}, "Unknown fields: colour. Missing fields: -."),
    ],
)
def test_reorganisation_refuses_a_wrong_file_with_its_reason(change, message):
    before = _units()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        reorganisation_apply(plan=reorganisation_plan_from_file(json.dumps({**MADE_UP, **change})))

    assert error.value.messages == [message]
    assert _units() == before


def test_reorganisation_command_reports_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")

    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("apply_reorganisation", str(path))

    assert str(error.value).startswith("The file is not valid JSON: ")


def test_reorganisation_admin_dry_run_then_apply(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import UserFactory

    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = "/admin/provinces/reorganisation/apply/"
    content = json.dumps(MADE_UP).encode()

    def upload(**extra):
        file = SimpleUploadedFile("2030.json", content, content_type="application/json")
        return client.post(url, {"file": file, **extra})

    dry = upload(dry_run="on")
    assert dry.context["changes"] == [
        "Ghi nhận đợt sắp xếp: Sắp xếp thử năm 2030.",
        "Thành lập Lạng Sơn (mã 20) từ ngày 01/01/2030, cùng Sở Công Thương.",
        "Kết thúc Cao Bằng (mã 04) vào ngày 31/12/2029: nhập vào Lạng Sơn.",
        "Kết thúc Lạng Sơn (mã 20) vào ngày 31/12/2029: nhập vào Lạng Sơn.",
    ]
    assert not Reorganisation.objects.filter(key="2030").exists()
    applied = upload()
    assert len(applied.context["changes"]) == 4
    assert Reorganisation.objects.filter(key="2030").count() == 1
    assert _audit_entries() == [
        (
            str(Reorganisation.objects.get(key="2030").pk),
            admin.pk,
            admin.full_name,
            {"changes": applied.context["changes"]},
        )
    ]
