import datetime

import pytest
from django import forms
from django.utils import timezone, translation

from conference.models import Edition, Handover
from tests.factories import (
    AgendaItemFactory,
    ChairFactory,
    EditionFactory,
    EditionParticipantFactory,
    HandoverFactory,
    current_unit,
)
from tests.html import facts, page_text, texts

pytestmark = pytest.mark.django_db

REAL_ORDINALS = ["IV", "V", "VI", "VIII", "IX", "X", "XI"]


def _today():
    return timezone.localdate()


# Home -------------------------------------------------------------------------------------------


def test_home_shows_the_next_edition_with_its_facts(client):
    date = _today() + datetime.timedelta(days=40)
    EditionFactory(
        number=12, year=date.year, date=date, host=current_unit("25"), venue="Nhà văn hóa tỉnh"
    )

    response = client.get("/en/")

    assert response.status_code == 200
    assert response.context["edition"].number == 12
    assert facts(response)[:5] == [
        ("Year", str(date.year)),
        ("Host", "Phú Thọ"),
        ("Date", date.strftime("%d/%m/%Y")),
        ("Venue", "Nhà văn hóa tỉnh"),
        ("Status", "Upcoming"),
    ]
    assert "Sample data." not in page_text(response)


def test_home_without_an_upcoming_edition_shows_the_latest_as_held(client):
    response = client.get("/en/")

    assert response.context["edition"].number == 11
    assert facts(response)[:5] == [
        ("Year", "2025"),
        ("Host", "Hà Giang (now part of Tuyên Quang)"),
        ("Date", "17/10/2025"),
        ("Venue", "not known"),
        ("Status", "Held"),
    ]


def test_home_chain_lists_every_real_edition_with_its_flag(client):
    date = _today() + datetime.timedelta(days=40)
    EditionFactory(number=12, year=date.year, date=date, is_demo=True)

    response = client.get("/en/")

    assert texts(response, "timeline-mark") == REAL_ORDINALS
    assert texts(response, "chain-host") == [
        "Phú Thọ · 2017",
        "Nghệ An · 2018",
        "Hải Phòng · 2019",
        "Thanh Hóa · 2022",
        "Quảng Ninh · 2023",
        "Hà Nội · 2024",
        "Hà Giang (now part of Tuyên Quang) · 2025",
    ]
    assert texts(response, "chain-flag") == [
        *["Flag handover not known"] * 5,
        "Flag received at edition IX (2023, Quảng Ninh)",  # TTXVN, 28/07/2023
        "Flag received at edition X (2024, Hà Nội)",
    ]
    assert "No records have been found for editions I, II, III, VII." in page_text(response)


def test_home_with_a_sample_edition_says_so(client):
    date = _today() + datetime.timedelta(days=75)
    EditionFactory(number=12, year=date.year, date=date, is_demo=True)

    response = client.get("/en/")

    assert texts(response, "demo-banner") == [
        "Sample data. This page shows demonstration data, not a real edition of the conference."
    ]


def test_home_offers_registration_while_it_is_open(client):
    now = timezone.now()
    edition = EditionFactory(
        number=30,
        date=timezone.localdate() + datetime.timedelta(days=40),
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=30),
    )
    response = client.get("/en/")
    assert texts(response, "btn-primary") == ["Register as a delegate"]
    assert f'href="/en/editions/{edition.number}/register/"' in response.content.decode()

    edition.registration_opens_at = now + datetime.timedelta(days=2)
    edition.save()
    response = client.get("/en/")
    assert texts(response, "btn-primary") == []
    assert texts(response, "btn-outline-primary")[0] == "Delegate registration"


def test_home_of_a_held_edition_offers_no_registration(client):
    response = client.get("/en/")
    assert "/register/" not in response.content.decode()


@pytest.mark.parametrize("rows", [1, 6])
def test_home_query_count_does_not_grow_with_editions(client, django_assert_num_queries, rows):
    Handover.objects.all().delete()
    Edition.objects.all().delete()
    for number in range(1, rows + 1):
        EditionFactory(number=number, year=2000 + number, date=datetime.date(2000 + number, 5, 1))

    # the next edition (none upcoming: undated, then the latest), and the chain
    with django_assert_num_queries(4):
        response = client.get("/en/")

    assert len(texts(response, "timeline-mark")) == rows


# Editions timeline ------------------------------------------------------------------------------


def test_edition_list_shows_every_edition_with_host_as_named_then_and_chairs(client):
    response = client.get("/en/editions/")

    assert texts(response, "timeline-mark") == REAL_ORDINALS
    pairs = facts(response)
    assert pairs[-3:] == [
        ("Date", "17/10/2025"),
        ("Host", "Hà Giang (now part of Tuyên Quang)"),
        (
            "Chaired by",
            "Nguyễn Hồng Diên, Minister of Industry and Trade "
            "Phan Huy Ngọc, Chairman of the Tuyên Quang People's Committee "
            "Bùi Huy Sơn, Director General of Vụ Kế hoạch, Tài chính và Quản lý doanh nghiệp, "
            "Ministry of Industry and Trade",
        ),
    ]
    assert texts(response, "chair")[5:7] == [
        "Nguyễn Sinh Nhật Tân, Deputy Minister of Industry and Trade",
        "Lê Hồng Sơn, Standing Vice Chairman of the Hà Nội People's Committee",
    ]


def test_edition_list_marks_sample_editions(client):
    EditionFactory(number=12, year=2027, date=datetime.date(2027, 2, 1), is_demo=True)

    response = client.get("/en/editions/")

    assert texts(response, "timeline-mark") == [*REAL_ORDINALS, "XII"]
    assert len(texts(response, "demo-banner")) == 1


@pytest.mark.parametrize("rows", [1, 5])
def test_edition_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    Handover.objects.all().delete()
    Edition.objects.all().delete()
    for number in range(1, rows + 1):
        edition = EditionFactory(number=number)
        ChairFactory(edition=edition)
        ChairFactory(edition=edition, position="pc_chairman", unit=current_unit("25"))

    with django_assert_num_queries(2):
        response = client.get("/en/editions/")

    assert len(texts(response, "chair")) == 2 * rows


# Edition page -----------------------------------------------------------------------------------


def test_edition_x_page_shows_the_facts_of_the_source_article(client):
    response = client.get("/en/editions/10/")

    assert response.status_code == 200
    pairs = dict(facts(response))
    assert pairs["Date"] == "17/05/2024"
    assert pairs["Host"] == "Hà Nội"
    assert pairs["Venue"] == "not known"
    assert pairs["Delegates planned"] == "550"
    assert pairs["Organisers"] == (
        "The Hà Nội Department of Industry and Trade with the Agency of Local Industry and Trade, "
        "with the consent of the Ministry of Industry and Trade and the Hà Nội People's Committee."
    )
    assert pairs["Received at"] == (
        "Edition IX, 2023, 28/07/2023, Hạ Long, Quảng Ninh by Hà Nội Department of Industry and "
        "Trade"
    )
    assert pairs["Handed to"] == "Edition XI, 2025 — Hà Giang Department of Industry and Trade"
    assert texts(response, "chair") == [
        "Nguyễn Sinh Nhật Tân Deputy Minister of Industry and Trade",
        "Lê Hồng Sơn Standing Vice Chairman of the Hà Nội People's Committee",
    ]
    assert "Chinhphu.vn, 17/05/2024" in page_text(response)


def test_edition_x_page_lists_the_agenda_in_order(client):
    response = client.get("/en/editions/10/")

    assert texts(response, "agenda-kind") == [
        "Opening",
        "Report",
        "Paper (tham luận)",
        "Paper (tham luận)",
        "Paper (tham luận)",
        "Speech",
        "Speech",
        "Speech",
        "Host-flag handover",
    ]
    assert texts(response, "agenda-speaker") == [
        "Nguyễn Sinh Nhật Tân, Deputy Minister of Industry and Trade",
        "Nguyễn Thị Hiền, Director of the Quảng Ninh Department of Industry and Trade",
        "Nguyễn Văn Thành, Director of the Hải Phòng Department of Industry and Trade",
        "Trần Thị Phương Lan, Acting Director of the Hà Nội Department of Industry and Trade",
        "Quách Tất Liêm, Vice Chairman of the Hòa Bình People's Committee",
        "Ngô Quang Trung, Director of the Agency of Local Industry and Trade",
        "Phạm Văn Hóa, Director of the Nghệ An Department of Industry and Trade",
    ]
    # No programme was published: the page says so instead of presenting one.
    assert texts(response, "card-title")[4] == "Contributions reported"
    assert texts(response, "no-programme") == [
        "No official programme was published: these are the contributions the press reported, "
        "not a programme; their order is not known beyond the opening."
    ]
    assert texts(response, "agenda-title")[-1] == (
        "The Ministry's leadership hands the host flag of the XI edition (2025) to the Hà Giang "
        "Department of Industry and Trade"
    )
    # no time is known: one note instead of a column of "not known"
    assert texts(response, "agenda-time") == []
    assert "Times: not known." in page_text(response)


def test_edition_x_page_lists_the_28_participating_units_linked(client):
    response = client.get("/en/editions/10/")

    participants = texts(response, "participant")
    assert len(participants) == 28
    assert participants[:4] == [
        "Bắc Giang (now part of Bắc Ninh)",
        "Bắc Kạn (now part of Thái Nguyên)",
        "Bắc Ninh",
        "Cao Bằng",
    ]
    assert "Hà Giang (now part of Tuyên Quang)" in participants
    hanoi = response.context["participants"][7].unit
    assert hanoi.name == "Hà Nội"
    assert f'href="/en/provinces/{hanoi.pk}/"' in response.content.decode()


def test_edition_x_page_in_vietnamese_keeps_the_vietnamese_content(client):
    response = client.get("/editions/10/")

    text = page_text(response)
    assert "17/05/2024" in text
    assert "Sở Công Thương Hà Nội phối hợp với Cục Công Thương địa phương tổ chức" in text
    assert "Tiết kiệm điện năng; đề xuất sớm ban hành cơ chế" in text


def test_edition_xi_page_shows_the_host_as_named_then_and_where_it_was_held(client):
    response = client.get("/en/editions/11/")

    pairs = dict(facts(response))
    assert pairs["Host"] == "Hà Giang (now part of Tuyên Quang)"
    assert pairs["Held in"] == "Tuyên Quang"
    assert pairs["Received at"] == (
        "Edition X, 2024, 17/05/2024, Hà Nội by Hà Giang Department of Industry and Trade Hà "
        "Giang became part of Tuyên Quang: from 01/07/2025 the duty passed to Tuyên Quang "
        "Department of Industry and Trade."
    )
    assert pairs["Handed to"] == "not known"
    assert len(texts(response, "participant")) == 18


def test_edition_page_shows_unknown_facts_as_not_known(client):
    response = client.get("/en/editions/4/")

    pairs = dict(facts(response))
    assert pairs["Venue"] == "not known"
    assert pairs["Organisers"] == "not known"
    assert pairs["Delegates planned"] == "not known"
    assert pairs["Received at"] == "not known"
    assert "Held in" not in pairs


def test_edition_page_shows_agenda_times_when_known(client):
    edition = EditionFactory(number=30)
    AgendaItemFactory(
        edition=edition, order=1, starts_at=datetime.time(8, 0), ends_at=datetime.time(8, 30)
    )
    AgendaItemFactory(edition=edition, order=2, starts_at=None)

    response = client.get("/en/editions/30/")

    assert texts(response, "agenda-time") == ["08:00–08:30", "not known"]


def test_edition_page_of_an_unknown_number_is_404(client):
    assert client.get("/en/editions/99/").status_code == 404
    assert client.get("/editions/7/").status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_edition_page_query_count_does_not_grow(client, django_assert_num_queries, rows):
    edition = EditionFactory(number=30)
    HandoverFactory(from_edition=EditionFactory(number=29), to_edition=edition)
    HandoverFactory(from_edition=edition, to_edition=EditionFactory(number=31))
    units = [current_unit(code) for code in ["01", "04", "08", "11", "12"][:rows]]
    for order in range(1, rows + 1):
        ChairFactory(edition=edition, position="pc_vice", unit=units[order - 1])
        AgendaItemFactory(
            edition=edition,
            order=order,
            speaker_name="Nguyễn Văn An",
            speaker_position="doit_director",
            speaker_unit=units[order - 1],
        )
        EditionParticipantFactory(edition=edition, unit=units[order - 1])

    # the edition with its host and handovers, then chairs, agenda and participants
    with django_assert_num_queries(4):
        response = client.get("/en/editions/30/")

    assert len(texts(response, "participant")) == rows
    assert len(texts(response, "agenda-speaker")) == rows


# Language switch --------------------------------------------------------------------------------


def test_language_switch_points_to_the_same_page_in_the_other_language(client):
    english = client.get("/en/editions/10/?x=1").content.decode()
    vietnamese = client.get("/editions/10/").content.decode()

    assert '<input type="hidden" name="next" value="/editions/10/?x=1">' in english
    assert '<input type="hidden" name="next" value="/en/editions/10/">' in vietnamese


def test_language_switch_sets_the_language_and_returns_to_the_page(client, settings):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/en/editions/10/"}, follow=True
    )

    assert response.redirect_chain == [("/en/editions/10/", 302)]
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.context["edition"].number == 10


# Date input -------------------------------------------------------------------------------------


class _DateForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("17/05/2024", datetime.date(2024, 5, 17)), ("05/06/2024", datetime.date(2024, 6, 5))],
)
def test_date_field_in_vietnamese_reads_day_month_year(typed, expected):
    with translation.override("vi"):
        form = _DateForm(data={"day": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == expected


def test_date_field_in_english_reads_day_month_year_too():
    with translation.override("en"):
        form = _DateForm(data={"day": "17/05/2024"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2024, 5, 17)


def test_unknown_page_gets_the_site_404_page(client):
    response = client.get("/en/editions/99/")

    assert response.status_code == 404
    assert texts(response, "page-title") == ["Page not found"]
    assert texts(response, "nav-link") == ["Home", "Editions", "Provinces"]


def test_home_tells_the_template_whether_registration_is_open(client):
    date = _today() + datetime.timedelta(days=40)
    EditionFactory(
        number=12,
        year=date.year,
        date=date,
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
        registration_closes_at=timezone.now() + datetime.timedelta(days=10),
    )

    response = client.get("/en/")

    assert response.context["registration_open"] is True
    assert dict(facts(response))["Status"] == "Registration open"


def test_my_delegation_and_checkin_lead_to_the_next_edition(client):
    from tests.factories import LiaisonFactory

    EditionFactory(number=30, date=timezone.localdate() + datetime.timedelta(days=40))
    client.force_login(LiaisonFactory(username="lia"))
    response = client.get("/en/delegation/")
    assert (response.status_code, response["Location"]) == (302, "/en/editions/30/delegation/")
    response = client.get("/checkin/")
    assert (response.status_code, response["Location"]) == (302, "/editions/30/checkin/")


def test_my_delegation_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/delegation/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/delegation/",
    )
