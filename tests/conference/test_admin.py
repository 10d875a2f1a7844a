import pytest
from django.urls import reverse

from conference.models import Edition
from provinces.models import Department, ProvincialUnit

pytestmark = pytest.mark.django_db


def _changelist_names(response) -> list[str]:
    return [str(obj) for obj in response.context["cl"].result_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ha giang", ["Hà Giang"]),
        ("HA GIANG", ["Hà Giang"]),
        ("dien bien", ["Điện Biên"]),
        ("Điện Biên", ["Điện Biên"]),
        ("hoa binh", ["Hòa Bình"]),
        ("Hoà Bình", ["Hòa Bình"]),
    ],
)
def test_unit_admin_search_ignores_accents(staff_client, query, expected):
    response = staff_client.get(reverse("admin:provinces_provincialunit_changelist"), {"q": query})
    assert _changelist_names(response) == expected


def test_department_admin_search_finds_so_cong_thuong_without_accents(staff_client):
    response = staff_client.get(
        reverse("admin:provinces_department_changelist"), {"q": "so cong thuong quang ninh"}
    )
    assert _changelist_names(response) == ["Sở Công Thương Quảng Ninh"]


def test_department_admin_search_word_order_does_not_matter(staff_client):
    response = staff_client.get(
        reverse("admin:provinces_department_changelist"), {"q": "dien bien so"}
    )
    assert _changelist_names(response) == ["Sở Công Thương Điện Biên"]


def test_unit_admin_lists_in_vietnamese_order(staff_client):
    response = staff_client.get(reverse("admin:provinces_provincialunit_changelist"))
    names = _changelist_names(response)
    assert names.index("Hà Giang") < names.index("Hòa Bình")
    assert names.index("Đ" + "iện Biên") > names.index("Cao Bằng")
    assert names == sorted(
        names, key=lambda n: ProvincialUnit.objects.filter(name=n).first().sort_key
    )


def test_edition_admin_search_by_host_without_accents(staff_client):
    response = staff_client.get(reverse("admin:conference_edition_changelist"), {"q": "ha giang"})
    assert [e.number for e in response.context["cl"].result_list] == [11]
    response = staff_client.get(
        reverse("admin:conference_edition_changelist"), {"q": "tuyen quang"}
    )
    assert [e.number for e in response.context["cl"].result_list] == [11]


def test_admin_is_in_vietnamese_by_default(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.headers["Content-Language"] == "vi"
    assert "Quản trị Hội nghị ngành Công Thương khu vực phía Bắc" in response.content.decode()


def test_admin_edition_change_page_accepts_vietnamese_date(staff_client):
    edition = Edition.objects.get(number=10)
    url = reverse("admin:conference_edition_change", args=[edition.pk])
    page = staff_client.get(url)
    assert page.context["adminform"].form["date"].value() == edition.date
    assert 'value="17/05/2024"' in page.content.decode()


def test_every_model_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin

    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"conference", "provinces", "proposals"}
    ]
    assert [m for m in ours if m not in admin.site._registry] == []


def test_department_str_is_its_name():
    assert str(Department.objects.get(unit__code="01", unit__valid_until__isnull=True)) == (
        "Sở Công Thương Hà Nội"
    )


@pytest.mark.parametrize(
    ("url_name", "query", "expected"),
    [
        ("admin:conference_chair_changelist", "dien", ["Nguyễn Hồng Diên"]),
        ("admin:conference_chair_changelist", "nguyen sinh nhat tan", ["Nguyễn Sinh Nhật Tân"]),
        ("admin:conference_agendaitem_changelist", "tiet kiem dien", [
            "Tiết kiệm điện năng; đề xuất sớm ban hành cơ chế, chính sách phát triển điện mặt "
            "trời mái nhà"
        ]),
    ],
)  # fmt: skip
def test_small_tables_are_searched_without_accents(staff_client, url_name, query, expected):
    response = staff_client.get(reverse(url_name), {"q": query})
    assert _changelist_names(response) == expected


def test_edition_admin_lists_ordinals_and_years_as_written(staff_client):
    response = staff_client.get(reverse("admin:conference_edition_changelist"))
    page = response.content.decode()
    assert ">2017<" in page
    assert "2.017" not in page
    assert ">VIII<" in page
    response = staff_client.get(reverse("admin:conference_edition_changelist"), {"q": "2025"})
    assert [e.number for e in response.context["cl"].result_list] == [11]


def test_edition_admin_actions_go_through_the_services(staff_client):
    xi = Edition.objects.get(number=11)

    response = staff_client.post(
        reverse("admin:conference_edition_changelist"),
        {"action": "close", "_selected_action": [xi.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Hội nghị lần thứ XI chưa thể kết thúc khi chưa trao cờ đăng cai, trừ khi được đánh dấu là "
        "kỳ cuối cùng."
    ]
    xi.refresh_from_db()
    assert xi.lifecycle == "held"
