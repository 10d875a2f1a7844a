import csv
import datetime
import io
from urllib.parse import quote, urlencode

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from conference.models import AuditEntry, Edition, FileJob, Registration
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    LiaisonFactory,
    ProgrammePartFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
)
from tests.file_jobs import file_job_url, prepared_file, request_file

pytestmark = pytest.mark.django_db

Status = Registration.Status
REGISTERED = datetime.datetime(2026, 9, 1, 2, 5, tzinfo=datetime.UTC)  # 09:05 in Hà Nội
CHECKED_IN = datetime.datetime(2026, 10, 15, 0, 42, tzinfo=datetime.UTC)  # 07:42

HEADER = [
    "Code",
    "Full name",
    "Salutation",
    "Position",
    "Kind of organisation",
    "Organisation",
    "Province or city",
    "Email",
    "Phone",
    "Parts of the programme",
    "Accommodation",
    "Diet",
    "Status",
    "Registered at",
    "Checked in at",
]


@pytest.fixture
def edition():
    edition = EditionFactory(number=30, year=2026)
    EditionParticipantFactory(edition=edition, unit=current_unit("01"))
    return edition


@pytest.fixture
def organizer(client):
    user = UserFactory(roles=["organizer"])
    client.force_login(user)
    return user


@pytest.fixture
def hien(edition):
    # Created in the reverse of the programme's order: the export lists parts by their order.
    visit = ProgrammePartFactory(edition=edition, order=2, title="Tham quan khu công nghiệp")
    plenary = ProgrammePartFactory(edition=edition, order=1, title="Phiên toàn thể")
    registration = RegistrationFactory(
        edition=edition,
        badge_code="7K3M9QXD2P",
        full_name="Nguyễn Thị Hiền",
        salutation=Registration.Salutation.MS,
        position="Giám đốc Sở",
        organisation_name="Sở Công Thương Hà Nội",
        email="hien@example.vn",
        phone="+84912345678",
        accommodation_needs="Phòng đơn, 16–17/10",
        dietary_needs="Ăn chay",
        status=Status.CHECKED_IN,
        created_at=REGISTERED,
        checked_in_at=CHECKED_IN,
    )
    registration.parts.set([visit, plenary])
    return registration


def export_url(kind, lang="en", **params):
    with translation.override(lang):
        path = reverse(f"conference:registration_export_{kind}")
    query = "&".join(f"{key}={quote(str(value))}" for key, value in params.items())
    return f"{path}?{query}" if query else path


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


def export_xlsx(client, lang="en", **params):
    """The XLSX export: prepared in the background (a job), then downloaded."""
    return prepared_file(client, 30, "registrations_xlsx", urlencode(params), lang)


def test_export_csv_whole_content(client, organizer, hien):
    response = client.get(export_url("csv", edition=30))
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="dang-ky-lan-XXX-')
    assert csv_rows(response) == [
        HEADER,
        [
            "7K3M9QXD2P",
            "Nguyễn Thị Hiền",
            "Ms",
            "Giám đốc Sở",
            "Provincial Department of Industry and Trade",
            "Sở Công Thương Hà Nội",
            "Hà Nội",
            "hien@example.vn",
            "0912 345 678",
            "Phiên toàn thể; Tham quan khu công nghiệp",
            "Phòng đơn, 16–17/10",
            "Ăn chay",
            "Checked in",
            "01/09/2026 09:05",
            "15/10/2026 07:42",
        ],
    ]


def test_export_xlsx_whole_content(client, organizer, hien):
    response = export_xlsx(client, edition=30)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = xlsx_sheet(response)
    assert sheet.title == "Registrations XXX"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADER,
        [
            "7K3M9QXD2P",
            "Nguyễn Thị Hiền",
            "Ms",
            "Giám đốc Sở",
            "Provincial Department of Industry and Trade",
            "Sở Công Thương Hà Nội",
            "Hà Nội",
            "hien@example.vn",
            "0912 345 678",
            "Phiên toàn thể; Tham quan khu công nghiệp",
            "Phòng đơn, 16–17/10",
            "Ăn chay",
            "Checked in",
            # Vietnam time without a zone: spreadsheets have none.
            datetime.datetime(2026, 9, 1, 9, 5),  # noqa: DTZ001
            datetime.datetime(2026, 10, 15, 7, 42),  # noqa: DTZ001
        ],
    ]
    assert [cell.font.b for cell in sheet[1]] == [True] * 15
    assert [cell.font.b for cell in sheet[2]] == [False] * 15
    assert (sheet["N2"].number_format, sheet["O2"].number_format) == ("dd/mm/yyyy hh:mm",) * 2
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O1"
    assert (sheet.column_dimensions["B"].width, sheet.column_dimensions["I"].width) == (26, 14)


def test_export_vietnamese_labels_in_vietnamese(client, organizer, hien):
    response = export_xlsx(client, lang="vi", edition=30)
    sheet = xlsx_sheet(response)
    with translation.override("vi"):
        expected_status = str(Status.CHECKED_IN.label)
        expected_kind = str(Registration.OrganisationKind.DOIT.label)
    assert (sheet["E2"].value, sheet["M2"].value) == (expected_kind, expected_status)
    assert sheet["B2"].value == "Nguyễn Thị Hiền"


def test_export_uses_the_list_filters(client, organizer, edition, hien):
    RegistrationFactory(edition=edition, full_name="Trần Văn Bình", status=Status.PENDING)
    RegistrationFactory(edition=edition, full_name="Lê Văn Cường", status=Status.CONFIRMED)
    other = EditionFactory(number=31, year=2027)
    RegistrationFactory(edition=other, full_name="Phạm Văn Dũng", status=Status.CONFIRMED)

    def names(**params):
        return [row[1] for row in csv_rows(client.get(export_url("csv", **params)))[1:]]

    # sorted by given name, as the list page
    assert names(edition=30) == ["Trần Văn Bình", "Lê Văn Cường", "Nguyễn Thị Hiền"]
    assert names(edition=30, status="pending") == ["Trần Văn Bình"]
    assert names(edition=30, q="hien") == ["Nguyễn Thị Hiền"]
    assert names(edition=30, q="cuong") == ["Lê Văn Cường"]
    assert names(edition=31) == ["Phạm Văn Dũng"]
    assert names(edition=30, unit=current_unit("31").pk) == names(edition=30)  # invalid: ignored


def test_export_text_is_never_a_formula(client, organizer, edition):
    RegistrationFactory(
        edition=edition,
        full_name='=HYPERLINK("http://evil.example","Nguyễn")',
        dietary_needs="+1 bữa tối",
        status=Status.CONFIRMED,
    )
    row = csv_rows(client.get(export_url("csv", edition=30)))[1]
    assert (row[1], row[11]) == ('\'=HYPERLINK("http://evil.example","Nguyễn")', "'+1 bữa tối")
    sheet = xlsx_sheet(export_xlsx(client, edition=30))
    assert (sheet["B2"].data_type, sheet["B2"].value) == (
        "s",
        '=HYPERLINK("http://evil.example","Nguyễn")',
    )


def test_export_is_recorded_in_the_audit_log(client, organizer, hien):
    response = request_file(client, 30, "registrations_xlsx", "status=checked_in")
    job = FileJob.objects.get()
    assert response["Location"] == file_job_url("file_job_detail", 30, pk=job.pk)
    entry = AuditEntry.objects.get(action="registration.export")
    assert (
        entry.actor,
        entry.content_type,
        entry.object_id,
        entry.data,
    ) == (
        organizer,
        ContentType.objects.get_for_model(Edition),
        str(hien.edition_id),
        {
            "format": "xlsx",
            "filters": {"edition": "30", "status": "checked_in"},
            "file_job": job.pk,
        },
    )


def test_export_refused_to_liaison_and_anonymous(client, hien):
    path = export_url("csv", edition=30)
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (
        302,
        f"{'/en' if path.startswith('/en/') else ''}/accounts/login/?next={quote(path)}",
    )
    client.force_login(LiaisonFactory())
    assert client.get(path).status_code == 403
    assert request_file(client, 30, "registrations_xlsx").status_code == 403
    assert AuditEntry.objects.filter(action="registration.export").count() == 0


@pytest.mark.parametrize("count", [1, 12])
@pytest.mark.parametrize(
    "kind", ["csv"]
)  # the XLSX is a job: tests/conference/views/test_file_jobs.py
def test_export_query_count(client, organizer, edition, kind, count, django_assert_num_queries):
    part = ProgrammePartFactory(edition=edition)
    for _index in range(count):
        RegistrationFactory(edition=edition, status=Status.CONFIRMED).parts.set([part])
    ContentType.objects.get_for_model(Edition)
    # session, user with their department, groups, edition (the filter form's field checks it
    # without a query), audit insert, unit names, part titles, the rows (each with its parts'
    # ids: no query per chunk of rows)
    with django_assert_num_queries(8):
        response = client.get(export_url(kind, edition=30))
        if kind == "csv":
            rows = csv_rows(response)
        else:
            rows = list(xlsx_sheet(response).iter_rows(values_only=True))
    assert len(rows) == count + 1


def _sheet_xml(write_rows) -> dict[str, bytes]:
    """The worksheet and styles parts of an XLSX whose rows ``write_rows(sheet, header_cells)``
    wrote."""
    import zipfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Đăng ký")
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in ["Mã", "Họ và tên", "Ghi chú", "Lúc"]:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        header_cells.append(cell)
    write_rows(sheet, header_cells)
    output = io.BytesIO()
    workbook.save(output)
    with zipfile.ZipFile(output) as archive:
        return {name: archive.read(name) for name in ("xl/worksheets/sheet1.xml", "xl/styles.xml")}


def test_export_xlsx_rows_written_as_openpyxl_writes_them():
    """exports._write_rows writes the rows' XML itself (openpyxl's cell objects were 70 % of the
    time): the same bytes as openpyxl's own ``sheet.append`` of the same values."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from conference import exports

    moment = datetime.datetime(2026, 9, 1, 9, 5)  # noqa: DTZ001
    rows = [
        ["7K3M9QXD2P", "Nguyễn Thị Hiền", "Phòng đơn, 16–17/10", moment],
        ["A1", '=HYPERLINK("http://x","y") & <b>', " lề trắng ", None],
        ["A2", "hai\r\ndòng\ttab", "", datetime.datetime(2026, 10, 15, 7, 42, 30)],  # noqa: DTZ001
        ["A3", "điều khiển\x07\x1b", "+1 bữa tối", None],
        *([f"B{index}", "Trần Văn Bình", "Ăn chay", moment] for index in range(600)),
    ]

    def by_openpyxl(sheet, header_cells):  # what xlsx_bytes did before _write_rows
        sheet.append(header_cells)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, datetime.datetime):
                    value = WriteOnlyCell(sheet, value=value)
                    value.number_format = "dd/mm/yyyy hh:mm"
                elif value:
                    if not value.isprintable():
                        value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    if value.startswith("="):
                        value = WriteOnlyCell(sheet, value=value)
                        value.data_type = "s"
                cells.append(value)
            sheet.append(cells)

    done = []

    def by_export(sheet, header_cells):
        written = exports._write_rows(sheet, header_cells, iter(rows), progress=done.append)
        assert written == len(rows)

    assert _sheet_xml(by_export) == _sheet_xml(by_openpyxl)
    assert done == [500, 604]  # after each piece of XLSX_BATCH rows
