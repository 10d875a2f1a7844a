import datetime

import pytest
from django.utils import translation

from conference.models import Edition, Handover

pytestmark = pytest.mark.django_db


def test_history_has_the_documented_editions_only():
    assert list(Edition.objects.values_list("number", "year", "date")) == [
        (4, 2017, datetime.date(2017, 10, 6)),
        (5, 2018, datetime.date(2018, 8, 2)),
        (6, 2019, datetime.date(2019, 5, 24)),
        (8, 2022, datetime.date(2022, 9, 23)),
        (9, 2023, datetime.date(2023, 7, 28)),
        (10, 2024, datetime.date(2024, 5, 17)),
        (11, 2025, datetime.date(2025, 10, 17)),
    ]
    assert [e.ordinal for e in Edition.objects.all()] == ["IV", "V", "VI", "VIII", "IX", "X", "XI"]


def test_hosts_are_named_as_they_were_then():
    hosts = dict(Edition.objects.values_list("number", "host__name"))
    assert hosts == {
        4: "Phú Thọ",
        5: "Nghệ An",
        6: "Hải Phòng",
        8: "Thanh Hóa",
        9: "Quảng Ninh",
        10: "Hà Nội",
        11: "Hà Giang",
    }
    # Hà Giang ended in 2025; the others are the units that continue (no end, no successor).
    assert list(
        Edition.objects.filter(host__valid_until__isnull=False).values_list("number", flat=True)
    ) == [4, 6, 11]


def test_xi_was_held_in_tuyen_quang_and_shows_what_became_of_ha_giang():
    xi = Edition.objects.with_host().get(number=11)
    assert xi.held_in.name == "Tuyên Quang"
    assert xi.held_in.valid_from == datetime.date(2025, 7, 1)
    with translation.override("vi"):
        assert xi.host_label() == "Hà Giang (nay thuộc tỉnh Tuyên Quang)"
    with translation.override("en"):
        assert xi.host_label() == "Hà Giang (now part of Tuyên Quang)"


def test_x_edition_facts_from_the_source_article():
    x = Edition.objects.with_programme().get(number=10)
    assert x.planned_delegates == 550
    assert x.venue == ""  # not stated in the source: shown as not known, never invented
    with translation.override("vi"):
        assert [(c.full_name, c.title) for c in x.chairs.all()] == [
            ("Nguyễn Sinh Nhật Tân", "Thứ trưởng Bộ Công Thương"),
            ("Lê Hồng Sơn", "Phó Chủ tịch Thường trực UBND Hà Nội"),
        ]
        # No programme was published: the contributions the press reported, opening first.
        assert [(a.kind, a.speaker_name, a.speaker_title) for a in x.agenda_items.all()] == [
            ("opening", "Nguyễn Sinh Nhật Tân", "Thứ trưởng Bộ Công Thương"),
            ("report", "", ""),
            ("paper", "Nguyễn Thị Hiền", "Giám đốc Sở Công Thương Quảng Ninh"),
            ("paper", "Nguyễn Văn Thành", "Giám đốc Sở Công Thương Hải Phòng"),
            ("paper", "Trần Thị Phương Lan", "Quyền Giám đốc Sở Công Thương Hà Nội"),
            ("speech", "Quách Tất Liêm", "Phó Chủ tịch UBND Hòa Bình"),
            ("speech", "Ngô Quang Trung", "Cục trưởng Cục Công Thương địa phương"),
            ("speech", "Phạm Văn Hóa", "Giám đốc Sở Công Thương Nghệ An"),
            ("handover", "", ""),
        ]
    with translation.override("en"):
        assert x.chairs.all()[1].title == (
            "Standing Vice Chairman of the Hà Nội People's Committee"
        )
        assert x.agenda_items.all()[2].localized("title") == (
            "Energy saving; a proposal to issue the mechanism and policy for rooftop solar power "
            "soon"
        )


def test_participants_are_the_28_units_for_ix_and_x_and_the_18_for_xi():
    counts = {e.number: e.participants.count() for e in Edition.objects.all()}
    assert counts == {4: 0, 5: 0, 6: 0, 8: 0, 9: 28, 10: 28, 11: 18}
    xi_units = set(
        Edition.objects.get(number=11).participants.values_list("unit__valid_from", flat=True)
    )
    assert xi_units == {datetime.date(2025, 7, 1), None}  # the 8 new and the 10 unchanged
    ix = set(Edition.objects.get(number=9).participants.values_list("unit__name", "unit_id"))
    xi = set(Edition.objects.get(number=11).participants.values_list("unit__name", "unit_id"))
    assert sorted(name for name, _ in ix & xi) == sorted(
        ["Hà Nội", "Cao Bằng", "Điện Biên", "Lai Châu", "Sơn La", "Lạng Sơn", "Quảng Ninh",
         "Thanh Hóa", "Nghệ An", "Hà Tĩnh"]
    )  # fmt: skip


def test_host_flag_chain():
    chain = {
        h.from_edition.number: (h.to_edition.number, h.date, h.place, h.receiving_department.name,
                                h.documented, h.handed_by_name, h.received_by_name, h.is_current)
        for h in Handover.objects.select_related("from_edition", "to_edition",
                                                 "receiving_department")
    }  # fmt: skip
    assert chain == {
        9: (10, datetime.date(2023, 7, 28), "Hạ Long, Quảng Ninh", "Sở Công Thương Hà Nội",
            True, "", "", False),
        10: (11, datetime.date(2024, 5, 17), "Hà Nội", "Sở Công Thương Hà Giang",
             True, "", "", True),
    }  # fmt: skip
    assert Handover.objects.get(from_edition__number=9).source.startswith(
        "TTXVN (baotintuc.vn), 28/07/2023"
    )


def test_editions_have_their_stage():
    assert dict(Edition.objects.values_list("number", "lifecycle")) == {
        4: "held", 5: "held", 6: "held", 8: "held", 9: "closed", 10: "closed", 11: "held",
    }  # fmt: skip


def test_xi_chairs_include_the_vu_truong():
    xi = Edition.objects.get(number=11)
    with translation.override("vi"):
        assert [(c.full_name, c.title) for c in xi.chairs.all()] == [
            ("Nguyễn Hồng Diên", "Bộ trưởng Bộ Công Thương"),
            ("Phan Huy Ngọc", "Chủ tịch UBND Tuyên Quang"),
            ("Bùi Huy Sơn", "Vụ trưởng Vụ Kế hoạch, Tài chính và Quản lý doanh nghiệp, Bộ Công "
                            "Thương"),
        ]  # fmt: skip


def test_corrections_of_ix_and_x():
    ix, x = Edition.objects.get(number=9), Edition.objects.get(number=10)
    assert ix.venue == "TP. Hạ Long, tỉnh Quảng Ninh"
    assert "6 tháng đầu năm 2023, sản xuất công nghiệp của 16/28 địa phương phục hồi" in ix.summary
    assert x.summary.startswith("6 tháng đầu năm 2024 (cách viết của nguồn; hội nghị họp ngày 17/5")
    assert x.programme_published is False
    assert x.agenda_items.first().speaker_name == "Nguyễn Sinh Nhật Tân"
    assert x.agenda_items.first().kind == "opening"
    assert [e.number for e in Edition.objects.filter(sources="")] == [4, 5, 6, 8]


def test_title_in_both_languages():
    x = Edition.objects.get(number=10)
    with translation.override("vi"):
        assert x.title == (
            "Hội nghị ngành Công Thương các tỉnh, thành phố khu vực phía Bắc lần thứ X, năm 2024"
        )
    with translation.override("en"):
        assert x.title == (
            "The X Conference of the Industry and Trade sector of the northern provinces and "
            "cities, 2024"
        )


def test_phase_of_past_editions_is_held():
    assert {e.phase for e in Edition.objects.all()} == {Edition.Phase.HELD}


def test_history_migration_is_idempotent():
    from importlib import import_module

    from django.apps import apps

    load_units = import_module("provinces.migrations.0002_load_units").load
    load_history = import_module("conference.migrations.0003_load_history").load
    before = (Edition.objects.count(), Edition.objects.get(number=10).agenda_items.count())
    load_units(apps, None)
    load_history(apps, None)
    from provinces.models import ProvincialUnit

    assert ProvincialUnit.objects.count() == 36
    assert (Edition.objects.count(), Edition.objects.get(number=10).agenda_items.count()) == before


def test_xi_cites_its_own_sources_and_writes_dates_in_full():
    xi = Edition.objects.get(number=11)
    assert xi.sources == (
        "Trao cờ đăng cai cho Sở Công Thương Hà Giang: Chinhphu.vn, 17/05/2024 (Hội nghị lần thứ "
        "X). Chủ trì và số liệu 9 tháng năm 2025: báo chí đưa tin về hội nghị ngày 17/10/2025 "
        "(nhandan.vn, baomoi.com, vietnam.vn)."
    )
    assert "01/07/2025" in xi.summary
    assert "01/7/2025" not in xi.summary
