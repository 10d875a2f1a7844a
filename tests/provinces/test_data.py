import datetime

import pytest

from provinces.models import Department, ProvincialUnit, Reorganisation

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)


def test_registry_has_28_units_before_and_18_after_the_reorganisation():
    assert ProvincialUnit.objects.valid_on(BEFORE).count() == 28
    assert ProvincialUnit.objects.valid_on(AFTER).count() == 18
    assert ProvincialUnit.objects.count() == 36  # 10 unchanged + 18 merged + 8 new
    assert sorted(ProvincialUnit.objects.valid_on(BEFORE).values_list("code", flat=True)) == [
        "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22",
        "24", "25", "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42",
    ]  # fmt: skip
    assert sorted(ProvincialUnit.objects.valid_on(AFTER).values_list("code", flat=True)) == [
        "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33",
        "37", "38", "40", "42",
    ]  # fmt: skip


def test_reused_codes_mean_different_units_in_each_period():
    assert ProvincialUnit.objects.valid_on(BEFORE).get(code="15").name == "Yên Bái"
    assert ProvincialUnit.objects.valid_on(AFTER).get(code="15").name == "Lào Cai"
    assert ProvincialUnit.objects.valid_on(BEFORE).get(code="24").name == "Bắc Giang"
    assert ProvincialUnit.objects.valid_on(AFTER).get(code="24").name == "Bắc Ninh"
    assert not ProvincialUnit.objects.valid_on(AFTER).filter(code__in=["10", "27"]).exists()


def test_every_old_unit_has_the_successor_of_the_table():
    successors = {
        u.name: (u.successor.name, u.successor.code) if u.successor else None
        for u in ProvincialUnit.objects.valid_on(BEFORE).select_related("successor")
    }
    assert successors["Hà Giang"] == ("Tuyên Quang", "08")
    assert successors["Yên Bái"] == ("Lào Cai", "15")
    assert successors["Lào Cai"] == ("Lào Cai", "15")
    assert successors["Bắc Kạn"] == ("Thái Nguyên", "19")
    assert successors["Vĩnh Phúc"] == ("Phú Thọ", "25")
    assert successors["Hòa Bình"] == ("Phú Thọ", "25")
    assert successors["Bắc Giang"] == ("Bắc Ninh", "24")
    assert successors["Bắc Ninh"] == ("Bắc Ninh", "24")
    assert successors["Thái Bình"] == ("Hưng Yên", "33")
    assert successors["Hải Dương"] == ("Hải Phòng", "31")
    assert successors["Hà Nam"] == ("Ninh Bình", "37")
    assert successors["Nam Định"] == ("Ninh Bình", "37")
    assert len(successors) == 28
    assert {name for name, successor in successors.items() if successor is None} == {
        "Cao Bằng", "Điện Biên", "Hà Nội", "Hà Tĩnh", "Lai Châu", "Lạng Sơn", "Nghệ An",
        "Quảng Ninh", "Sơn La", "Thanh Hóa",
    }  # fmt: skip


def test_unchanged_units_are_one_unit_that_continues():
    unchanged = ProvincialUnit.objects.filter(valid_until__isnull=True, valid_from__isnull=True)
    assert sorted(unchanged.values_list("code", flat=True)) == [
        "01", "04", "11", "12", "14", "20", "22", "38", "40", "42"
    ]  # fmt: skip
    assert not unchanged.filter(successor__isnull=False).exists()
    assert not unchanged.filter(ended_by__isnull=False).exists()
    assert ProvincialUnit.objects.filter(name="Cao Bằng").count() == 1


def test_merged_units_are_ended_by_the_2025_reorganisation():
    reorganisation = Reorganisation.objects.get(key="2025")
    assert (reorganisation.decided_on, reorganisation.governments_from) == (
        datetime.date(2025, 6, 12),
        datetime.date(2025, 7, 1),
    )
    assert reorganisation.ended_units.count() == 18
    assert set(reorganisation.ended_units.values_list("valid_until", flat=True)) == {BEFORE}


def test_every_unit_has_its_department():
    assert Department.objects.count() == 36
    assert Department.objects.get(unit__code="22").name == ("Sở Công Thương Quảng Ninh")


def test_units_are_ordered_in_vietnamese():
    names = list(ProvincialUnit.objects.valid_on(BEFORE).ordered().values_list("name", flat=True))
    assert names.index("Điện Biên") < names.index("Hà Giang")
    assert names[:4] == ["Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Cao Bằng"]
    assert names[-1] == "Yên Bái"


def test_search_ignores_accents():
    assert list(ProvincialUnit.objects.search("dien bien").values_list("name", flat=True)) == [
        "Điện Biên",
    ]  # fmt: skip
    assert set(ProvincialUnit.objects.search("HA GIANG").values_list("name", flat=True)) == {
        "Hà Giang"
    }
