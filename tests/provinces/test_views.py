import datetime

import pytest

from provinces.models import ProvincialUnit
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    current_unit,
    unit_before_2025,
)
from tests.html import facts, page_text, texts

pytestmark = pytest.mark.django_db

TODAYS_UNITS_IN_VIETNAMESE_ORDER = [
    "Bắc Ninh", "Cao Bằng", "Điện Biên", "Hà Nội", "Hà Tĩnh", "Hải Phòng", "Hưng Yên",
    "Lai Châu", "Lạng Sơn", "Lào Cai", "Nghệ An", "Ninh Bình", "Phú Thọ", "Quảng Ninh",
    "Sơn La", "Thái Nguyên", "Thanh Hóa", "Tuyên Quang",
]  # fmt: skip


def test_unit_list_shows_todays_units_in_vietnamese_order(client):
    response = client.get("/en/provinces/")

    assert response.status_code == 200
    assert texts(response, "unit-name") == TODAYS_UNITS_IN_VIETNAMESE_ORDER
    assert texts(response, "unit-fate") == []
    first_row = texts(response, tag="tr")[1]
    assert first_row == (
        "24 Bắc Ninh Province Red River Delta Bắc Ninh Department of Industry and Trade"
    )
    assert "18 units" in page_text(response)


def test_unit_list_filtered_by_edition_shows_its_units_as_named_then(client):
    response = client.get("/en/provinces/?edition=10")

    names = texts(response, "unit-name")
    assert len(names) == 28
    assert names[:3] == ["Bắc Giang", "Bắc Kạn", "Bắc Ninh"]
    assert names.index("Điện Biên") < names.index("Hà Giang") < names.index("Yên Bái")
    fates = dict(zip(names, texts(response, "unit-fate"), strict=True))
    assert fates["Hà Giang"] == "now part of Tuyên Quang"
    assert fates["Cao Bằng"] == "reorganised on 01/07/2025"
    assert response.context["edition"].number == 10
    assert "The units that took part in edition X (2024), as they were named then." in (
        page_text(response)
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dien bien", ["Điện Biên"]),
        ("ĐIỆN BIÊN", ["Điện Biên"]),
        ("ha noi", ["Hà Nội"]),
        ("hoa", ["Thanh Hóa"]),
        ("hai", ["Hải Phòng", "Thái Nguyên"]),
        ("22", ["Quảng Ninh"]),
    ],
)
def test_unit_list_search_ignores_accents(client, query, expected):
    response = client.get("/en/provinces/", {"q": query})

    assert texts(response, "unit-name") == expected


def test_unit_list_search_within_an_edition(client):
    response = client.get("/en/provinces/", {"edition": "10", "q": "ha giang"})

    assert texts(response, "unit-name") == ["Hà Giang"]


def test_unit_list_search_without_match_says_so(client):
    response = client.get("/en/provinces/", {"q": "xyz"})

    assert texts(response, "unit-name") == []
    assert "No unit matches this search." in page_text(response)


@pytest.mark.parametrize("value", ["99", "abc"])
def test_unit_list_with_an_unknown_edition_explains_and_shows_todays_units(client, value):
    response = client.get("/en/provinces/", {"edition": value})

    assert response.status_code == 200
    assert texts(response, "invalid-feedback") == ["There is no edition with this number."]
    assert texts(response, "unit-name") == TODAYS_UNITS_IN_VIETNAMESE_ORDER


@pytest.mark.parametrize("rows", [1, 6])
def test_unit_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    edition = EditionFactory(number=30)
    for unit in ProvincialUnit.objects.current().ordered()[:rows]:
        EditionParticipantFactory(edition=edition, unit=unit)

    # the edition of the filter, the units with departments and successors, the edition choices
    with django_assert_num_queries(3):
        response = client.get("/en/provinces/", {"edition": "30"})

    assert len(texts(response, "unit-name")) == rows


def test_unit_page_of_a_merged_unit_shows_its_successor_and_history(client):
    ha_giang = unit_before_2025("02")

    response = client.get(f"/en/provinces/{ha_giang.pk}/")

    text = page_text(response)
    assert "Merged into Tuyên Quang from 01/07/2025." in text
    assert "no longer exists" in text
    pairs = dict(facts(response))
    assert pairs["Code"] == "02"
    assert pairs["Valid"] == "from before our records begin until 30/06/2025"
    assert texts(response, "card-title") == [
        "The unit",
        "Department of Industry and Trade",
        "Editions hosted",
        "Took part in",
    ]
    assert "Hà Giang Department of Industry and Trade" in text
    assert "Edition XI, 2025 · 17/10/2025 · held in Tuyên Quang" in text
    assert texts(response, tag="li")[-2:] == ["Edition IX, 2023", "Edition X, 2024"]
    successor = current_unit("08")
    assert f'href="/en/provinces/{successor.pk}/"' in response.content.decode()


def test_unit_page_of_a_successor_lists_its_predecessors(client):
    tuyen_quang = current_unit("08")

    response = client.get(f"/en/provinces/{tuyen_quang.pk}/")

    pairs = dict(facts(response))
    assert pairs["Valid"] == "from 01/07/2025 until today"
    assert pairs["Formed from"] == "Hà Giang (until 30/06/2025), Tuyên Quang (until 30/06/2025)"
    text = page_text(response)
    assert "exists today" in text
    assert "held here for Hà Giang (now part of Tuyên Quang)" in text
    assert texts(response, tag="li")[-1] == "Edition XI, 2025"


def test_unit_page_of_a_unit_hosting_a_sample_edition_says_so(client):
    phu_tho = current_unit("25")
    EditionFactory(number=12, year=2027, date=datetime.date(2027, 2, 1), host=phu_tho, is_demo=True)

    response = client.get(f"/en/provinces/{phu_tho.pk}/")

    assert len(texts(response, "demo-banner")) == 1


def test_unit_page_of_an_unknown_unit_is_404(client):
    assert client.get("/en/provinces/999999/").status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_unit_page_query_count_does_not_grow(client, django_assert_num_queries, rows):
    unit = current_unit("25")
    for number in range(30, 30 + rows):
        edition = EditionFactory(number=number, host=unit, held_in=current_unit("01"))
        EditionParticipantFactory(edition=edition, unit=unit)

    # the unit with its department and successor, then hosted, held in, took part, predecessors
    with django_assert_num_queries(5):
        response = client.get(f"/en/provinces/{unit.pk}/")

    assert len(response.context["hosted"]) == rows
    assert len(response.context["participations"]) == rows + 1  # and XI


def test_department_is_named_in_the_page_language(client):
    page = client.get("/provinces/")
    assert "Sở Công Thương Bắc Ninh" in page.content.decode()
    assert "Department of Industry and Trade</td>" not in page.content.decode()
