"""The flag's journey, the calendar file, the open data feeds and the organizers' stage page."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from conference.models import Edition, Handover
from provinces.models import Department
from tests.factories import EditionFactory, HandoverFactory, UserFactory, current_unit
from tests.html import page_text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_flag_journey_shows_every_ordinal_with_its_handover(client):
    response = client.get("/en/flag/")

    assert texts(response, "journey-gap") == [
        "Editions I, II, III: no records found.",
        "Edition VII: no records found.",
    ]
    editions = texts(response, "journey-edition")
    assert len(editions) == 7
    assert editions[4] == ("Edition IX, 2023 Host: Quảng Ninh · 28/07/2023 Flag handover not known")
    assert editions[5] == (
        "Edition X, 2024 Host: Hà Nội · 17/05/2024 Flag received at edition IX, on 28/07/2023 — "
        "Hạ Long, Quảng Ninh Handed over by: not named in the source Receiving department: Hà Nội "
        "Department of Industry and Trade Documented: TTXVN (baotintuc.vn), 28/07/2023: «Hợp tác "
        "phát triển ngành Công Thương các tỉnh, thành phố phía Bắc» — «Trao cờ đăng cai tổ chức "
        "hội nghị ngành công thương lần thứ X, năm 2024, cho thành phố Hà Nội»."
    )
    assert editions[6].startswith(
        "Edition XI, 2025 Host: Hà Giang (now part of Tuyên Quang) · held in Tuyên Quang · "
        "17/10/2025 Flag received at edition X, on 17/05/2024 — Hà Nội Handed over by: not named "
        "in the source Receiving department: Hà Giang Department of Industry and Trade Hà Giang "
        "became part of Tuyên Quang: from 01/07/2025 the duty passed to Tuyên Quang Department of "
        "Industry and Trade."
    )
    assert texts(response, "current-holder") == [
        "Latest handover: on 17/05/2024 the flag of edition XI went to Hà Giang Department of "
        "Industry and Trade. The duty has since passed to Tuyên Quang Department of Industry and "
        "Trade."
    ]
    assert b"<script" not in response.content.split(b"</main>")[0].split(b"<main")[1]


def test_flag_journey_in_vietnamese(client):
    text = page_text(client.get("/flag/"))

    assert "Hành trình cờ đăng cai" in text
    assert "Hội nghị lần thứ I, II, III: chưa tìm thấy tư liệu." in text


@pytest.mark.parametrize("rows", [1, 5])
def test_flag_journey_query_count_does_not_grow(client, django_assert_num_queries, rows):
    for number in range(30, 30 + rows):
        HandoverFactory(
            from_edition=EditionFactory(number=number),
            to_edition=EditionFactory(number=number + 100),
        )

    # the editions with their hosts and handovers, in one query
    with django_assert_num_queries(1):
        response = client.get("/en/flag/")

    assert len(texts(response, "journey-edition")) == 7 + 2 * rows


def test_edition_ics_is_an_all_day_event(client):
    response = client.get("/en/editions/11/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = response.content.decode().split("\r\n")
    assert lines[:6] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hoi nghi nganh Cong Thuong phia Bac//editions//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
    ]
    assert "DTSTART;VALUE=DATE:20251017" in lines
    assert "DTEND;VALUE=DATE:20251018" in lines
    assert "LOCATION:Tuyên Quang" in lines
    assert "SUMMARY:The XI Conference of the Industry and Trade sector of the northern " in lines
    assert all(len(line.encode()) <= 75 for line in lines)


def test_edition_ics_of_an_edition_without_a_date_is_404(client):
    EditionFactory(number=30, date=None)

    assert client.get("/en/editions/30/calendar.ics").status_code == 404


def test_editions_feed_json(client):
    data = json.loads(client.get("/data/editions.json").content)

    assert [e["number"] for e in data["editions"]] == [4, 5, 6, 8, 9, 10, 11]
    assert data["editions"][-1] == {
        "number": 11, "ordinal": "XI", "year": 2025, "date": "2025-10-17", "end_date": None,
        "host_code": "02", "host_name": "Hà Giang", "held_in_code": "08",
        "held_in_name": "Tuyên Quang", "venue": "", "stage": "held",
        "sources": Edition.objects.get(number=11).sources,
    }  # fmt: skip


def test_handovers_feed_csv(client):
    response = client.get("/data/handovers.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["at_edition", "for_edition", "date", "place"]
    assert [row[:3] + row[6:9] + [row[11]] for row in rows[1:]] == [
        ["9", "10", "2023-07-28", "Sở Công Thương Hà Nội", "01", "Hà Nội", "True"],
        ["10", "11", "2024-05-17", "Sở Công Thương Hà Giang", "02", "Hà Giang", "True"],
    ]


def test_feeds_are_cached_and_other_formats_are_404(client):
    client.get("/data/handovers.json")
    Handover.objects.filter(from_edition__number=9).update(place="Đổi")

    cached = json.loads(client.get("/data/handovers.json").content)
    assert cached["handovers"][0]["place"] == "Hạ Long, Quảng Ninh"
    assert client.get("/data/handovers.xml").status_code == 404


def test_edition_manage_needs_an_organizer(client):
    client.force_login(UserFactory(username="khach"))

    assert client.get("/en/editions/11/manage/").status_code == 403


def test_edition_manage_records_the_handover_through_the_service(client):
    client.force_login(UserFactory(username="tochuc", roles=["organizer"]))
    phu_tho = Department.objects.get(unit=current_unit("25"))

    response = client.post(
        "/en/editions/11/manage/",
        {"step": "handover", "date": "17/10/2025", "place": "Tuyên Quang",
         "receiving_department": phu_tho.pk},
        follow=True,
    )  # fmt: skip

    assert texts(response, "handover-done") == [
        "On 17/10/2025 the flag of edition XII was handed to Phú Thọ Department of Industry and "
        "Trade."
    ]
    assert Edition.objects.get(number=12).host == current_unit("25")


def test_edition_manage_shows_a_refusal_on_the_form(client):
    client.force_login(UserFactory(username="tochuc", roles=["organizer"]))
    phu_tho = Department.objects.get(unit=current_unit("25"))

    response = client.post(
        "/en/editions/11/manage/",
        {"step": "handover", "date": "18/10/2025", "receiving_department": phu_tho.pk},
    )

    assert texts(response, "alert-danger") == [
        "The handover takes place at edition XI: on 17/10/2025, not on 18/10/2025."
    ]
    assert not Edition.objects.filter(number=12).exists()


def test_edition_step_moves_the_stage_or_says_why_not(client):
    client.force_login(UserFactory(username="tochuc", roles=["organizer"]))
    edition = EditionFactory(number=30, date=timezone.localdate() + datetime.timedelta(days=40))

    client.post("/en/editions/30/manage/step/", {"to": "registration_open"})
    refused = client.post("/en/editions/30/manage/step/", {"to": "held"}, follow=True)

    edition.refresh_from_db()
    assert edition.lifecycle == "registration_open"
    assert texts(refused, "alert-danger") == [
        "Edition XXX is “Registration open”: it cannot become “Held”."
    ]
