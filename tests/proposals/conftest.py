import datetime
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conference.models import EditionParticipant
from tests.factories import (
    EditionFactory,
    LiaisonFactory,
    ProposalWindowFactory,
    ReviewerFactory,
    UserFactory,
    current_unit,
    department,
)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PROPOSALS_FILES_DIR = tmp_path / "private"
    # Many accounts per test: a fast hasher (the real one costs seconds on a busy machine).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def edition(db):
    """An upcoming edition whose proposal window is open; Hà Nội, Quảng Ninh and Hải Phòng
    take part."""
    now = timezone.now()
    edition = EditionFactory(date=(now + datetime.timedelta(days=40)).date())
    ProposalWindowFactory(edition=edition)
    for code in ("01", "22", "31"):
        EditionParticipant.objects.create(edition=edition, unit=current_unit(code))
    return edition


@pytest.fixture
def people(db):
    """One account per role of the access walk; proposals in the tests are Hà Nội's."""
    return SimpleNamespace(
        liaison=LiaisonFactory(username="lien_hn", full_name="Trần Thị Liên", language="vi"),
        other_liaison=LiaisonFactory(
            username="lien_qn", full_name="Phạm Văn Quang", department=department("22")
        ),
        reviewer=ReviewerFactory(
            username="thamdinh", full_name="Lê Văn Thẩm", department=department("31")
        ),
        other_reviewer=ReviewerFactory(username="thamdinh2", full_name="Đỗ Thị Hoa"),
        own_reviewer=ReviewerFactory(
            username="thamdinh_hn", full_name="Vũ Văn Nội", department=department("01")
        ),
        organizer=UserFactory(
            username="bantochuc", full_name="Ngô Quang Trung", roles=["organizer"]
        ),
        staff=UserFactory(username="nhanvien", full_name="Bùi Thị Thu", is_staff=True),
    )


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def office_bytes(kind: str) -> bytes:
    part, content_type = {
        "docx": (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        ),
        "xlsx": (
            "xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
    }[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
