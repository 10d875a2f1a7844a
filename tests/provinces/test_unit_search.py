"""The provinces search: former units when today's units have no match, department names."""

import pytest
from django.utils import translation

from tests.html import page_text, texts

pytestmark = pytest.mark.django_db


def test_unit_search_for_a_merged_province_shows_it_as_a_former_unit(client):
    response = client.get("/en/provinces/", {"q": "ha giang"})

    assert response.context["units"] == []
    assert [unit.name for unit in response.context["former_units"]] == ["Hà Giang"]
    assert texts(response, "unit-name") == ["Hà Giang"]
    assert texts(response, "unit-fate") == ["now part of Tuyên Quang"]
    assert texts(response, "former-units-hint") == [
        "No unit existing today matches this search. These former units do; "
        "each shows what it is part of now."
    ]
    assert texts(response, tag="h2") == ["Former units"]
    assert "No unit matches this search." not in page_text(response)


def test_unit_search_former_unit_fate_names_the_kind_in_vietnamese(client):
    with translation.override("vi"):
        response = client.get("/provinces/", {"q": "ha giang"})

    assert texts(response, "unit-fate") == ["nay thuộc tỉnh Tuyên Quang"]


def test_unit_search_with_a_match_today_shows_no_former_units(client):
    response = client.get("/en/provinces/", {"q": "tuyen quang"})

    assert texts(response, "unit-name") == ["Tuyên Quang"]
    assert response.context["former_units"] == []
    assert texts(response, tag="h2") == []


def test_unit_search_without_any_match_shows_no_former_section(client):
    response = client.get("/en/provinces/", {"q": "xyz"})

    assert response.context["former_units"] == []
    assert texts(response, "alert-secondary") == ["No unit matches this search."]


def test_unit_search_within_an_edition_does_not_add_former_units(client):
    response = client.get("/en/provinces/", {"edition": "10", "q": "tuyen quang xyz"})

    assert response.context["units"] == []
    assert response.context["former_units"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("so cong thuong dien bien", ["Điện Biên"]),
        ("Sở Công Thương Hà Nội", ["Hà Nội"]),
    ],
)
def test_unit_search_finds_units_by_their_department_name(client, query, expected):
    response = client.get("/en/provinces/", {"q": query})

    assert texts(response, "unit-name") == expected


@pytest.mark.parametrize(("query", "rows"), [("ha giang", 1), ("giang", 2)])
def test_unit_search_former_units_query_count_does_not_grow(
    client, django_assert_num_queries, query, rows
):
    # the units of today, the former units, the latest reorganisation, the edition choices
    with django_assert_num_queries(4):
        response = client.get("/en/provinces/", {"q": query})

    assert len(response.context["former_units"]) == rows
    assert len(texts(response, "unit-fate")) == rows
