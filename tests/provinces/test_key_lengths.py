"""The derived sort keys and search texts of units and departments fit their columns even for
the longest names (a key has three digits a letter, plus one)."""

from conference.vietnamese import fold, sort_key
from provinces.models import Department, ProvincialUnit


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def test_unit_keys_fit_for_longest_name():
    name = "Ượ" * (_max(ProvincialUnit, "name") // 2)
    assert len(sort_key(name)) <= _max(ProvincialUnit, "sort_key")
    search = " ".join([fold(name), "x" * _max(ProvincialUnit, "name_ascii"), "01"])
    assert len(search) <= _max(ProvincialUnit, "search_text")


def test_department_keys_fit_for_longest_names():
    unit_name = "Ượ" * (_max(ProvincialUnit, "name") // 2)
    name = "Ở" * _max(Department, "name")
    assert len(sort_key(unit_name)) <= _max(Department, "sort_key")
    assert len(" ".join([fold(name), fold(unit_name)])) <= _max(Department, "search_text")
