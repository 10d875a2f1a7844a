"""The 28 northern provincial units before 1 July 2025 and the 18 after, with their Departments
of Industry and Trade. Idempotent: running it again changes nothing.

Ten of the 28 were not reorganised in 2025 (UNCHANGED below): each is ONE unit that
simply continues, with no end date and no successor. The other 18 end on 30/06/2025 and have one of
the 8 new units as successor. (Databases loaded before this was corrected held a duplicate
post-2025 row for each of the ten; migration 0003 merges them.)"""

import datetime

from django.db import migrations

from conference.vietnamese import fold, sort_key

REORGANISED = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE = datetime.date(2025, 6, 30)

# code, name, ASCII name, kind, region, code of the unit it is part of from 1/7/2025
BEFORE = [
    ("01", "Hà Nội", "Ha Noi", "city", "DBSH", "01"),
    ("02", "Hà Giang", "Ha Giang", "province", "TDMNPB", "08"),
    ("04", "Cao Bằng", "Cao Bang", "province", "TDMNPB", "04"),
    ("06", "Bắc Kạn", "Bac Kan", "province", "TDMNPB", "19"),
    ("08", "Tuyên Quang", "Tuyen Quang", "province", "TDMNPB", "08"),
    ("10", "Lào Cai", "Lao Cai", "province", "TDMNPB", "15"),
    ("11", "Điện Biên", "Dien Bien", "province", "TDMNPB", "11"),
    ("12", "Lai Châu", "Lai Chau", "province", "TDMNPB", "12"),
    ("14", "Sơn La", "Son La", "province", "TDMNPB", "14"),
    ("15", "Yên Bái", "Yen Bai", "province", "TDMNPB", "15"),
    ("17", "Hòa Bình", "Hoa Binh", "province", "TDMNPB", "25"),
    ("19", "Thái Nguyên", "Thai Nguyen", "province", "TDMNPB", "19"),
    ("20", "Lạng Sơn", "Lang Son", "province", "TDMNPB", "20"),
    ("22", "Quảng Ninh", "Quang Ninh", "province", "DBSH", "22"),
    ("24", "Bắc Giang", "Bac Giang", "province", "TDMNPB", "24"),
    ("25", "Phú Thọ", "Phu Tho", "province", "TDMNPB", "25"),
    ("26", "Vĩnh Phúc", "Vinh Phuc", "province", "DBSH", "25"),
    ("27", "Bắc Ninh", "Bac Ninh", "province", "DBSH", "24"),
    ("30", "Hải Dương", "Hai Duong", "province", "DBSH", "31"),
    ("31", "Hải Phòng", "Hai Phong", "city", "DBSH", "31"),
    ("33", "Hưng Yên", "Hung Yen", "province", "DBSH", "33"),
    ("34", "Thái Bình", "Thai Binh", "province", "DBSH", "33"),
    ("35", "Hà Nam", "Ha Nam", "province", "DBSH", "37"),
    ("36", "Nam Định", "Nam Dinh", "province", "DBSH", "37"),
    ("37", "Ninh Bình", "Ninh Binh", "province", "DBSH", "37"),
    ("38", "Thanh Hóa", "Thanh Hoa", "province", "BTB", "38"),
    ("40", "Nghệ An", "Nghe An", "province", "BTB", "40"),
    ("42", "Hà Tĩnh", "Ha Tinh", "province", "BTB", "42"),
]

# code, name, ASCII name, kind, region of today's 18 units (the ten unchanged ones are the same
# units as in BEFORE; regions of the merged units can be corrected in the admin)
AFTER = [
    ("01", "Hà Nội", "Ha Noi", "city", "DBSH"),
    ("04", "Cao Bằng", "Cao Bang", "province", "TDMNPB"),
    ("08", "Tuyên Quang", "Tuyen Quang", "province", "TDMNPB"),
    ("11", "Điện Biên", "Dien Bien", "province", "TDMNPB"),
    ("12", "Lai Châu", "Lai Chau", "province", "TDMNPB"),
    ("14", "Sơn La", "Son La", "province", "TDMNPB"),
    ("15", "Lào Cai", "Lao Cai", "province", "TDMNPB"),
    ("19", "Thái Nguyên", "Thai Nguyen", "province", "TDMNPB"),
    ("20", "Lạng Sơn", "Lang Son", "province", "TDMNPB"),
    ("22", "Quảng Ninh", "Quang Ninh", "province", "DBSH"),
    ("24", "Bắc Ninh", "Bac Ninh", "province", "DBSH"),
    ("25", "Phú Thọ", "Phu Tho", "province", "TDMNPB"),
    ("31", "Hải Phòng", "Hai Phong", "city", "DBSH"),
    ("33", "Hưng Yên", "Hung Yen", "province", "DBSH"),
    ("37", "Ninh Bình", "Ninh Binh", "province", "DBSH"),
    ("38", "Thanh Hóa", "Thanh Hoa", "province", "BTB"),
    ("40", "Nghệ An", "Nghe An", "province", "BTB"),
    ("42", "Hà Tĩnh", "Ha Tinh", "province", "BTB"),
]


def _search_fields(code, name, ascii_name):
    return {
        "sort_key": sort_key(name),
        "search_text": " ".join([fold(name), fold(ascii_name), code]),
    }


def _department(Department, unit):
    name = f"Sở Công Thương {unit.name}"
    Department.objects.update_or_create(
        unit=unit,
        defaults={
            "name": name,
            "sort_key": sort_key(unit.name),
            "search_text": " ".join([fold(name), fold(unit.name)]),
        },
    )


# Not reorganised in 2025 ("không thực hiện sắp xếp"): the same unit before and after.
UNCHANGED = frozenset({"01", "04", "11", "12", "14", "20", "22", "38", "40", "42"})


def load(apps, schema_editor):
    Unit = apps.get_model("provinces", "ProvincialUnit")
    Department = apps.get_model("provinces", "Department")
    after = {}
    for code, name, ascii_name, kind, region in AFTER:
        if code in UNCHANGED:
            continue
        unit, _ = Unit.objects.update_or_create(
            code=code,
            valid_from=REORGANISED,
            defaults={
                "name": name,
                "name_ascii": ascii_name,
                "kind": kind,
                "region": region,
                "valid_until": None,
                **_search_fields(code, name, ascii_name),
            },
        )
        after[code] = unit
        _department(Department, unit)
    for code, name, ascii_name, kind, region, successor in BEFORE:
        continues = code in UNCHANGED
        unit, _ = Unit.objects.update_or_create(
            code=code,
            valid_from=None,
            valid_until=None if continues else LAST_DAY_BEFORE,
            defaults={
                "name": name,
                "name_ascii": ascii_name,
                "kind": kind,
                "region": region,
                "successor": None if continues else after[successor],
                **_search_fields(code, name, ascii_name),
            },
        )
        _department(Department, unit)


class Migration(migrations.Migration):
    dependencies = [("provinces", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
