"""Long names and organisations on a badge: a smaller size, wrapping, and an ellipsis at the end."""

import re

import pytest

from conference import badges
from conference.models import Registration
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    RegistrationFactory,
    current_unit,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

CAO_BANG_CENTRE = (
    "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Sở Công Thương tỉnh Cao Bằng "
    "(cơ sở 2, tổ 5, phường Hợp Giang)"
)


@pytest.mark.parametrize(
    ("text", "limits", "expected"),
    [
        ("", badges.NAME_LIMITS, ""),
        ("Nguyễn Thị Hiền", badges.NAME_LIMITS, ""),
        ("x" * 20, badges.NAME_LIMITS, ""),
        ("x" * 21, badges.NAME_LIMITS, "long"),
        ("x" * 32, badges.NAME_LIMITS, "long"),
        ("x" * 33, badges.NAME_LIMITS, "longer"),
        ("Sở Công Thương Quảng Ninh", badges.ORGANISATION_LIMITS, ""),
        (CAO_BANG_CENTRE, badges.ORGANISATION_LIMITS, "long"),
        (
            CAO_BANG_CENTRE + " và Trung tâm Xúc tiến Thương mại",
            badges.ORGANISATION_LIMITS,
            "longer",
        ),
    ],
)
def test_badge_text_size_by_length(text, limits, expected):
    assert badges.text_size(text, limits) == expected


def _badge(**fields) -> Registration:
    edition = EditionFactory(number=30, year=2026)
    EditionParticipantFactory(edition=edition, unit=current_unit("04"))
    return RegistrationFactory(
        edition=edition,
        unit=current_unit("04"),
        status=Registration.Status.CONFIRMED,
        badge_code="7K3M9QXD2P",
        **fields,
    )


def _words(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", pdf_text(pdf)).strip()


def _pdf(registration) -> bytes:
    return badges.render_badges_pdf(
        edition=registration.edition, registrations=[registration], title="badge"
    )


@pytest.mark.pdf
def test_badge_long_organisation_is_smaller_and_printed_whole():
    registration = _badge(
        full_name="Nông Thị Hà", position="Phó Giám đốc", organisation_name=CAO_BANG_CENTRE
    )

    data = badges.badge_data(registration)
    html = badges.render_badges_html(
        edition=registration.edition, registrations=[registration], title="badge"
    )

    assert (data["name_size"], data["position_size"], data["organisation_size"]) == ("", "", "long")
    assert f'<div class="organisation long">{CAO_BANG_CENTRE}</div>' in html
    text = _words(_pdf(registration))
    assert "Nông Thị Hà Phó Giám đốc " + CAO_BANG_CENTRE in text
    assert "…" not in text


@pytest.mark.pdf
def test_badge_long_word_breaks_inside_the_column():
    word = "CôngtyTNHHMộtThànhViênKhaiThácKhoángSảnCaoBằng"
    registration = _badge(full_name="Nguyễn", position="Trưởng phòng", organisation_name=word)

    text = pdf_text(_pdf(registration))

    # broken over lines inside the column, every letter printed
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    pieces = lines[lines.index("Trưởng phòng") + 1 : lines.index("Trưởng phòng") + 3]
    assert "".join(pieces) == word
    assert len(pieces[0]) < len(word)


@pytest.mark.pdf
def test_badge_text_beyond_its_lines_ends_in_an_ellipsis():
    position = (
        "Phó Trưởng phòng Quản lý Công nghiệp kiêm Chánh Văn phòng Đảng ủy Sở Công Thương "
        "kiêm Tổ trưởng Tổ công tác liên ngành về phát triển công nghiệp hỗ trợ và thương mại "
        "biên giới của tỉnh Cao Bằng"
    )
    registration = _badge(
        full_name="Công Tằng Tôn Nữ Thị Bảo Ngọc Hoàng Phương Anh Kim Chi",
        position=position,
        organisation_name="Sở Công Thương Cao Bằng",
    )

    text = _words(_pdf(registration))

    assert badges.badge_data(registration)["position_size"] == "longer"
    start = text.index("Công Tằng")
    end = text.index("Sở Công Thương Cao Bằng")
    # the name stops after two lines, the position after three, each with "…"
    assert text[start:end] == (
        "Công Tằng Tôn Nữ Thị Bảo Ngọc Hoàng Phương Anh… Phó Trưởng phòng Quản lý Công nghiệp "
        "kiêm Chánh Văn phòng Đảng ủy Sở Công Thương kiêm Tổ trưởng Tổ công tác liên ngành về… "
    )
