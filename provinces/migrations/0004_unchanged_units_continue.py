"""Reorganisations become data, and the ten units the 2025 reorganisation left unchanged become
one unit each again.

Databases loaded before this correction held, for each of Hà Nội, Cao Bằng, Điện Biên, Lai Châu,
Sơn La, Lạng Sơn, Quảng Ninh, Thanh Hóa, Nghệ An and Hà Tĩnh, a row ended on 30/06/2025 and a
duplicate "(mới)" row from 01/07/2025. The duplicate is merged into the unit that continues:
everything pointing at it or at its department (participations, editions, chairs, registrations,
department members, and whatever other model points at a unit or a department) moves to the one
unit, which then has no end date and no successor. On a database loaded by the corrected 0002
there is nothing to merge. Then the 2025 reorganisation is recorded and linked to the 18 units it
ended. Idempotent."""

import datetime

from django.db import migrations

from conference.vietnamese import fold, sort_key

LAST_DAY_BEFORE = datetime.date(2025, 6, 30)
REORGANISED = datetime.date(2025, 7, 1)
UNCHANGED = ("01", "04", "11", "12", "14", "20", "22", "38", "40", "42")

REORGANISATION_2025 = {
    "key": "2025",
    "name": "Sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
    "name_en": "The 2025 reorganisation of provincial units",
    "resolution": "Nghị quyết số 202/2025/QH15 của Quốc hội",
    "decided_on": datetime.date(2025, 6, 12),
    "governments_from": REORGANISED,
    "sources": (
        "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về việc sắp xếp đơn vị hành "
        "chính cấp tỉnh (có hiệu lực từ ngày thông qua); chính quyền địa phương các tỉnh, thành "
        "phố mới hoạt động từ ngày 01/7/2025."
    ),
}


def _repoint(model, field, drop, keep):
    """Point every row of ``model`` whose ``field`` is ``drop`` at ``keep`` instead."""
    model.objects.filter(**{field: drop}).update(**{field: keep})


def _relations(model, skip=()):
    """Every foreign key to ``model``, also those without a reverse name (``related_name="+"``)
    and those of many-to-many tables."""
    for field in model._meta.get_fields(include_hidden=True):
        if not (field.auto_created and not field.concrete):
            continue
        if not (field.one_to_many or field.one_to_one) or field.related_model in skip:
            continue
        yield field.related_model, field.field.name


def _merge_department(Department, keep_unit, drop_unit):
    keep = Department.objects.filter(unit=keep_unit).first()
    drop = Department.objects.filter(unit=drop_unit).first()
    if drop is None:
        return
    if keep is None:
        drop.unit = keep_unit
        drop.save(update_fields=["unit"])
        return
    for model, field in _relations(Department):
        _repoint(model, field, drop, keep)
    for contact in ("email", "phone", "address", "website"):
        if not getattr(keep, contact) and getattr(drop, contact):
            setattr(keep, contact, getattr(drop, contact))
    keep.save()
    drop.delete()


def _merge_unit(apps, keep, drop):
    Unit = apps.get_model("provinces", "ProvincialUnit")
    Department = apps.get_model("provinces", "Department")
    _merge_department(Department, keep, drop)
    try:
        Participant = apps.get_model("conference", "EditionParticipant")
    except LookupError:
        Participant = None
    if Participant is not None:
        # An edition that lists both rows keeps the one unit's participation (and a quota).
        for duplicate in Participant.objects.filter(unit=drop):
            kept = Participant.objects.filter(edition_id=duplicate.edition_id, unit=keep).first()
            if kept is not None:
                if kept.quota is None and duplicate.quota is not None:
                    kept.quota = duplicate.quota
                    kept.save(update_fields=["quota"])
                duplicate.delete()
    for model, field in _relations(Unit, skip=(Department,)):
        if model is Unit and field == "successor":
            Unit.objects.filter(successor=drop).exclude(pk=keep.pk).update(successor=keep)
            continue
        _repoint(model, field, drop, keep)
    Unit.objects.filter(pk=keep.pk).update(successor=None)
    drop.delete()
    Unit.objects.filter(pk=keep.pk).update(valid_until=None)


def merge_continuing_units(apps, schema_editor):
    Unit = apps.get_model("provinces", "ProvincialUnit")
    for code in UNCHANGED:
        keep = Unit.objects.filter(code=code, valid_until=LAST_DAY_BEFORE).first()
        drop = Unit.objects.filter(code=code, valid_from=REORGANISED).first()
        if keep is None or drop is None or keep.successor_id != drop.pk or keep.name != drop.name:
            continue
        _merge_unit(apps, keep, drop)
        keep.refresh_from_db()
        keep.sort_key = sort_key(keep.name)
        keep.search_text = " ".join([fold(keep.name), fold(keep.name_ascii), keep.code])
        keep.save(update_fields=["sort_key", "search_text"])


def record_2025(apps, schema_editor):
    Reorganisation = apps.get_model("provinces", "Reorganisation")
    Unit = apps.get_model("provinces", "ProvincialUnit")
    values = dict(REORGANISATION_2025)
    reorganisation, _ = Reorganisation.objects.update_or_create(key=values.pop("key"), defaults=values)
    Unit.objects.filter(
        valid_until=LAST_DAY_BEFORE, successor__valid_from=REORGANISED, ended_by__isnull=True
    ).update(ended_by=reorganisation)


def forwards(apps, schema_editor):
    merge_continuing_units(apps, schema_editor)
    record_2025(apps, schema_editor)



class Migration(migrations.Migration):
    dependencies = [
        ("provinces", "0003_reorganisations_and_continuing_units"),
        # So that every model pointing at a unit or a department is there to be moved.
        ("conference", "0011_xi_sources"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
