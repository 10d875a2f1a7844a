import pytest
from django.urls import reverse

from proposals.models import Decision, Proposal, Review
from tests.html import page_text, texts

pytestmark = pytest.mark.django_db


def test_x_edition_has_its_three_proposals_accepted_with_related_documents_only():
    rows = [
        (
            p.unit.name,
            p.unit.valid_until and p.unit.valid_until.isoformat(),
            p.presenter_name,
            p.area.code,
            p.state,
            [d.number for d in p.related_documents.all()],
            p.responses.count(),
        )
        for p in Proposal.objects.filter(edition__number=10).order_by("unit__code")
    ]
    assert rows == [
        ("Hà Nội", None, "Trần Thị Phương Lan", "state-management", "accepted", [], 0),
        (
            "Quảng Ninh",
            None,
            "Nguyễn Thị Hiền",
            "energy",
            "accepted",
            ["135/2024/NĐ-CP"],
            0,
        ),
        (
            "Hải Phòng",
            "2025-06-30",
            "Nguyễn Văn Thành",
            "industrial-clusters",
            "accepted",
            ["14/2024/TT-BCT"],
            0,
        ),
    ]
    assert (Review.objects.count(), Decision.objects.count()) == (0, 0)
    assert Proposal.objects.exclude(edition__number=10).count() == 0


def test_x_edition_page_shows_the_proposals_and_says_the_answer_is_not_known(client):
    response = client.get(reverse("conference:edition_detail", args=[10]))
    items = texts(response, "edition-proposal")
    assert len(items) == 3
    assert [item.split(":")[0] for item in items] == ["Quảng Ninh", "Hải Phòng", "Hà Nội"]
    assert items[0].startswith("Quảng Ninh: Sớm ban hành cơ chế, chính sách phát triển điện mặt")
    assert "Trả lời: chưa rõ." in items[0]
    assert "135/2024/NĐ-CP (22/10/2024)" in items[0]


def test_public_page_finds_proposals_without_accents_and_shows_no_personal_data(client):
    url = reverse("proposals:public_list", args=[10])
    found = texts(client.get(url, {"q": "dien mat troi mai nha"}), "public-proposal")
    assert len(found) == 1 and "Sở Công Thương Quảng Ninh" in found[0]
    assert "Nguyễn Thị Hiền" not in page_text(client.get(url))
    english = page_text(client.get("/en" + url))
    assert "Circular detailing Decree 32/2024/NĐ-CP" in english
