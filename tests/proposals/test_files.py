import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from proposals.files import check_size, detect_kind
from tests.proposals.conftest import office_bytes, pdf_bytes, upload


def _real_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Tổng hợp kiến nghị"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("kien-nghi.pdf", pdf_bytes(), "pdf"),
        ("tham-luan.docx", office_bytes("docx"), "docx"),
        ("so-lieu.xlsx", office_bytes("xlsx"), "xlsx"),
        ("bang-openpyxl.xlsx", _real_xlsx(), "xlsx"),
        ("named-wrongly.txt", pdf_bytes(), "pdf"),
    ],
)
def test_detect_kind_recognises_real_files_by_content(name, content, kind):
    assert detect_kind(upload(name, content)) == kind


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "xin chào")
    return buffer.getvalue()


def _zip_claiming_docx_without_part() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kien-nghi.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("tham-luan.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("so-lieu.xlsx", _plain_zip()),
        ("empty-docx.docx", _zip_claiming_docx_without_part()),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_detect_kind_refuses_renamed_html_exe_and_zip_with_a_clear_message(name, content):
    with pytest.raises(ValidationError) as error:
        detect_kind(upload(name, content))
    assert error.value.messages == [
        f"“{name}” không phải là tệp PDF, Word (DOCX) hoặc Excel (XLSX). Hệ thống chỉ nhận các "
        "loại tệp này, nhận biết theo nội dung tệp (đổi tên tệp không làm thay đổi loại tệp)."
    ]


def test_check_size_refuses_an_oversize_file(settings):
    settings.PROPOSAL_FILE_MAX_MB = 1
    with pytest.raises(ValidationError) as error:
        check_size(size=3 * 1024 * 1024, name="lon.pdf", already=0, count=0)
    assert error.value.messages == ["“lon.pdf” có dung lượng 3,0 MB; mỗi tệp tối đa 1 MB."]


def test_check_size_refuses_more_than_the_total_per_proposal(settings):
    settings.PROPOSAL_FILES_TOTAL_MAX_MB = 2
    with pytest.raises(ValidationError) as error:
        check_size(size=1024 * 1024, name="c.pdf", already=int(1.5 * 1024 * 1024), count=2)
    assert error.value.code == "files_too_big"
