import datetime

import pytest
from django.utils import translation

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
    rows = {row.split(" ", 1)[1]: row for row in texts(response, tag="tr")[1:]}
    assert rows["Hà Giang now part of Tuyên Quang Province Northern Midlands and Mountains "
                "Hà Giang Department of Industry and Trade"]  # fmt: skip
    # The ten units the reorganisation left alone: the same unit, nothing to say about it.
    assert rows["Cao Bằng Province Northern Midlands and Mountains Cao Bằng Department of Industry "
                "and Trade"]  # fmt: skip
    assert texts(response, "unit-fate").count("merged into the new Tuyên Quang") == 1
    assert len(texts(response, "unit-fate")) == 18
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
    assert texts(response, "unit-history") == [
        "Became part of Tuyên Quang; the new provincial government has run since 01/07/2025. "
        "See Tuyên Quang today → Nghị quyết số 202/2025/QH15 của Quốc hội was adopted and took "
        "effect on 12/06/2025; the new provincial governments run from 01/07/2025."
    ]
    assert "until 30/06/2025" in texts(response, "badge")
    pairs = dict(facts(response))
    assert pairs["Code"] == "02"
    assert pairs["Valid"] == "from before our records begin until 30/06/2025"
    assert texts(response, "card-title") == [
        "The unit",
        "Department of Industry and Trade",
        "Editions hosted",
        "Host flag received",
        "Took part in",
    ]
    assert texts(response, "flag-received") == [
        "Flag of edition XI, received at edition X on 17/05/2024 by Hà Giang Department of "
        "Industry and Trade"
    ]
    assert "Hà Giang Department of Industry and Trade" in text
    assert texts(response, "hosted-edition") == [
        "XI Edition XI, 2025 · 17/10/2025 · held in Tuyên Quang"
    ]
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
    assert texts(response, "unit-history") == [
        "Formed on 01/07/2025 by merging Hà Giang, Tuyên Quang. Nghị quyết số 202/2025/QH15 của "
        "Quốc hội was adopted and took effect on 12/06/2025; the new provincial governments run "
        "from 01/07/2025."
    ]
    # What its predecessors hosted and took part in, as they were named then.
    assert texts(response, "hosted-edition") == [
        "XI Edition XI, 2025 · 17/10/2025 · host then: Hà Giang"
    ]
    assert texts(response, "flag-received") == [
        "Flag of edition XI, received at edition X on 17/05/2024 by Hà Giang Department of "
        "Industry and Trade"
    ]
    assert texts(response, tag="li")[-3:] == [
        "Edition IX, 2023 · as Hà Giang, Tuyên Quang",
        "Edition X, 2024 · as Hà Giang, Tuyên Quang",
        "Edition XI, 2025",
    ]


def test_unit_page_of_an_unchanged_unit_has_one_history(client):
    cao_bang = ProvincialUnit.objects.get(name="Cao Bằng")

    response = client.get(f"/en/provinces/{cao_bang.pk}/")

    assert dict(facts(response))["Valid"] == "from before our records begin until today"
    assert texts(response, "unit-history") == []
    assert texts(response, "flag-received") == []
    assert texts(response, tag="li")[-3:] == [
        "Edition IX, 2023",
        "Edition X, 2024",
        "Edition XI, 2025",
    ]
    with translation.override("vi"):
        text = page_text(client.get(f"/provinces/{cao_bang.pk}/"))
    assert "không còn tồn tại" not in text
    assert "(mới)" not in text
    assert "sắp xếp lại" not in text


def test_unit_page_of_a_new_unit_lists_what_its_predecessors_hosted(client):
    phu_tho = current_unit("25")

    response = client.get(f"/en/provinces/{phu_tho.pk}/")

    assert texts(response, "hosted-edition") == [
        "IV Edition IV, 2017 · 06/10/2017 · host then: Phú Thọ"
    ]


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
    # and what they hosted and took part in, the flags received by its and their departments
    with django_assert_num_queries(9):
        response = client.get(f"/en/provinces/{unit.pk}/")

    assert len(response.context["hosted"]) == rows + 1  # and IV, hosted by the former Phú Thọ
    assert len(response.context["participations"]) == rows + 3  # and IX, X (as before) and XI


def test_department_is_named_in_the_page_language(client):
    page = client.get("/provinces/")
    assert "Sở Công Thương Bắc Ninh" in page.content.decode()
    assert "Department of Industry and Trade</td>" not in page.content.decode()


def test_unit_page_of_ha_noi_shows_what_it_hosted_and_received(client):
    ha_noi = current_unit("01")

    response = client.get(f"/en/provinces/{ha_noi.pk}/")

    assert texts(response, "hosted-edition") == ["X Edition X, 2024 · 17/05/2024"]
    assert texts(response, "flag-received") == [
        "Flag of edition X, received at edition IX on 28/07/2023 by Hà Nội Department of "
        "Industry and Trade"
    ]
