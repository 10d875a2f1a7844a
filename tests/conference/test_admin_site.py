"""The admin index lists apps and models in Vietnamese alphabetical order."""

import pytest
from django.contrib import admin

from conference.admin_site import ConferenceAdminSite
from tests.factories import UserFactory
from tests.html import texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _index(response) -> list[tuple[str, list[str]]]:
    return [
        (app["name"], [m["name"] for m in app["models"]]) for app in response.context["app_list"]
    ]


def test_admin_site_is_the_conference_site():
    assert type(admin.site._wrapped) is ConferenceAdminSite


def test_admin_index_orders_apps_and_models_in_vietnamese(superuser_client):
    response = superuser_client.get("/admin/")

    assert _index(response) == [
        (
            "Bảo vệ đăng nhập",
            ["Các lần đăng nhập sai", "Các lần thử đăng nhập", "Nhật ký đăng nhập"],
        ),
        (
            "Hội nghị",
            [
                "Chủ trì",
                "Chương trình",
                "Đăng ký",
                "Đơn vị tham dự",
                "Kỳ hội nghị",
                "Người nhận thông báo",
                "Người sử dụng",
                "Nhật ký gửi thư điện tử",
                "Nhật ký thao tác",
                "Phần chương trình",
                "Tệp đã chuẩn bị",
                "Thông báo tới đại biểu",
                "Thư tổng hợp đã gửi",
                "Trao cờ đăng cai",
            ],
        ),
        (
            "Kiến nghị, đề xuất",
            [
                "Kiến nghị",
                "Lĩnh vực",
                "Phân công thẩm định",
                "Quyết định",
                "Tệp đính kèm",
                "Thời hạn nhận kiến nghị",
                "Văn bản liên quan",
                "Văn bản trả lời",
                "Ý kiến thẩm định",
            ],
        ),
        (
            "Tỉnh, thành phố và Sở Công Thương",
            ["Cán bộ của Sở", "Đợt sắp xếp đơn vị hành chính", "Sở Công Thương", "Tỉnh, thành phố"],
        ),
        ("Xác thực và ủy quyền", ["Các nhóm"]),
    ]
    # The page shows that order too (Django's own order would put "Đăng ký" last).
    assert texts(response, tag="caption")[:2] == ["Bảo vệ đăng nhập", "Hội nghị"]


def test_admin_app_page_orders_models_in_vietnamese(superuser_client):
    response = superuser_client.get("/admin/provinces/")

    assert _index(response) == [
        (
            "Tỉnh, thành phố và Sở Công Thương",
            ["Cán bộ của Sở", "Đợt sắp xếp đơn vị hành chính", "Sở Công Thương", "Tỉnh, thành phố"],
        )
    ]


def test_admin_index_in_english_is_alphabetical(superuser_client):
    response = superuser_client.get("/en/admin/")

    assert [app["name"] for app in response.context["app_list"]] == [
        "Authentication and Authorization",
        "Conference",
        "Login protection",
        "Proposals",
        "Provinces and departments",
    ]


def test_admin_site_keeps_the_conference_titles(superuser_client):
    response = superuser_client.get("/en/admin/")

    assert (response.context["site_header"], response.context["site_title"]) == (
        "Northern Industry and Trade Conference — administration",
        "Conference administration",
    )
