"""Staff entry pages: the one-delegate form and the delegation file (upload → report or preview
→ confirm), who may open them, the template, the file's limits."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from conference.forms import staff_entry as forms
from conference.models import AuditEntry, EditionParticipant, Registration
from conference.permissions import ORGANIZER
from tests.factories import LiaisonFactory, UserFactory, current_unit, department
from tests.html import page_text, url

pytestmark = pytest.mark.django_db

HEADER = [column.header for column in forms.COLUMNS]


@pytest.fixture
def organizer(client):
    user = UserFactory(username="bantochuc", roles=[ORGANIZER])
    client.force_login(user)
    return user


@pytest.fixture
def liaison(client):
    user = LiaisonFactory(username="lienlac-hn")
    client.force_login(user)
    return user


def _row(**values):
    base = {
        "full_name": "Nguyễn Thị Hiền",
        "salutation": "Bà",
        "position": "Phó Giám đốc Sở",
        "organisation_name": "Sở Công Thương Hà Nội",
        "phone": "0912 345 678",
    }
    base.update(values)
    return [base.get(column.key, "") for column in forms.COLUMNS]


def _csv(*rows, header=HEADER) -> SimpleUploadedFile:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("doan.csv", out.getvalue().encode("utf-8"), "text/csv")


def _xlsx(*rows) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("doan.xlsx", out.getvalue())


def _upload(client, edition, file, lang="vi", **extra):
    return client.post(
        url("delegation_import", edition.number, lang=lang),
        {"file": file, "consent": "on", **extra},
    )


def _problems(response) -> list[tuple[str, str, str]]:
    return [(str(p["row"]), p["field"], p["message"]) for p in response.context["problems"]]


# --- who may open the pages ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["staff_entry", "delegation_import"])
def test_staff_entry_pages_refused_to_others(client, open_edition, name):
    target = url(name, open_edition.number)
    assert client.get(target).status_code == 302  # to the login page
    client.force_login(UserFactory(username="khach"))
    assert client.get(target).status_code == 403


@pytest.mark.parametrize("name", ["staff_entry", "delegation_import"])
def test_staff_entry_pages_liaison_of_a_province_not_taking_part_404(client, open_edition, name):
    client.force_login(LiaisonFactory(username="lienlac-ct", department=department("38")))
    assert client.get(url(name, open_edition.number)).status_code == 404


def test_staff_entry_form_liaison_sees_only_own_province(client, open_edition, liaison):
    response = client.get(url("staff_entry", open_edition.number))
    assert [str(unit) for unit in response.context["form"].fields["unit"].queryset] == [
        str(current_unit("01"))
    ]
    assert page_text(response).count("Nhập một đại biểu") >= 1


def test_staff_entry_form_liaison_posting_another_province_refused(client, open_edition, liaison):
    response = client.post(
        url("staff_entry", open_edition.number),
        {
            "salutation": "ba",
            "full_name": "Nguyễn Thị Hiền",
            "position": "Phó Giám đốc",
            "organisation_kind": "doit",
            "organisation_name": "Sở Công Thương Hải Phòng",
            "unit": current_unit("31").pk,
            "phone": "0912 345 678",
            "language": "vi",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert Registration.objects.count() == 0


def test_staff_entry_form_organizer_enters_a_guest_from_abroad_without_email(
    client, open_edition, organizer
):
    response = client.post(
        url("staff_entry", open_edition.number, lang="en"),
        {
            "salutation": "ong",
            "full_name": "Jean Dupont",
            "position": "Attaché",
            "organisation_kind": "guest",
            "organisation_name": "Ambassade de France",
            "unit": "",
            "email": "",
            "phone": "+33 1 23 45 67 89",
            "language": "en",
            "consent": "on",
        },
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("registration_detail", lang="en", pk=registration.pk)
    assert (
        registration.status,
        registration.email,
        registration.phone,
        registration.phone_display,
        registration.unit,
    ) == ("confirmed", "", "+33123456789", "+33 1 23 45 67 89", None)
    detail = client.get(response["Location"])
    assert "None: entered by staff; nothing is emailed to this delegate" in page_text(detail)
    assert list(
        AuditEntry.objects.filter(object_id=str(registration.pk))
        .order_by("id")
        .values_list("action", "actor_id")
    ) == [("registration.staff_entry", organizer.pk), ("registration.confirmed", organizer.pk)]


def test_staff_entry_form_full_quota_needs_the_waitlist_box(client, open_edition, liaison):
    EditionParticipant.objects.filter(edition=open_edition, unit=current_unit("01")).update(quota=0)
    data = {
        "salutation": "ba",
        "full_name": "Nguyễn Thị Hiền",
        "position": "Phó Giám đốc",
        "organisation_kind": "doit",
        "organisation_name": "Sở Công Thương Hà Nội",
        "unit": current_unit("01").pk,
        "phone": "024 3825 1234 máy lẻ 12",
        "language": "vi",
        "consent": "on",
    }
    response = client.post(url("staff_entry", open_edition.number), data)
    assert response.status_code == 200
    assert Registration.objects.count() == 0
    response = client.post(url("staff_entry", open_edition.number), {**data, "join_waitlist": "on"})
    assert response.status_code == 302
    assert Registration.objects.values_list("status", "phone").get() == (
        "waitlisted",
        "+842438251234;ext=12",
    )


# --- the delegation file ---------------------------------------------------------------------


def test_import_bad_row_reported_nothing_written_then_fixed_and_confirmed(
    client, open_edition, liaison
):
    bad = _csv(
        _row(email=""),
        _row(full_name="Trần Văn Bình", email="binh@example", phone="12345"),
        _row(full_name='=HYPERLINK("http://x")', email="c@example.vn"),
    )
    response = _upload(client, open_edition, bad, lang="en")
    assert _problems(response) == [
        ("3", "Email", "Enter a valid email address."),
        ("3", "Phone", str(forms.PhoneField().error_messages["invalid_phone"])),
        ("4", "Full name", "A formula is not accepted here: type the value."),
    ]
    assert Registration.objects.count() == 0

    good = _csv(_row(email=""), _row(full_name="Trần Văn Bình", email="binh@example.vn"))
    response = _upload(client, open_edition, good, lang="en")
    assert response.context["problems"] == []
    assert Registration.objects.count() == 0  # the preview writes nothing
    token = response.context["preview_token"]
    assert "The file holds 2 delegates, all rows are right: 2 will be confirmed" in page_text(
        response
    )
    response = client.post(
        url("delegation_import", open_edition.number, lang="en"), {"confirm": token}
    )
    assert response.status_code == 302
    assert sorted(Registration.objects.values_list("full_name", "email", "status", "unit")) == [
        ("Nguyễn Thị Hiền", "", "confirmed", current_unit("01").pk),
        ("Trần Văn Bình", "binh@example.vn", "confirmed", current_unit("01").pk),
    ]
    # The same preview cannot be confirmed twice.
    response = client.post(
        url("delegation_import", open_edition.number, lang="en"), {"confirm": token}
    )
    assert Registration.objects.count() == 2


def test_import_xlsx_read_formula_cell_refused(client, open_edition, liaison):
    response = _upload(
        client, open_edition, _xlsx(_row(), _row(full_name="Lê An", phone="=1+1")), lang="en"
    )
    assert _problems(response) == [
        ("3", "Phone", "A formula is not accepted here: type the value.")
    ]


def test_import_xlsx_with_numbers_as_cells(client, open_edition, organizer):
    response = _upload(
        client,
        open_edition,
        _xlsx(_row(unit=1, phone=912345678, email="", language="en")),
        lang="en",
    )
    assert response.context["problems"] == []
    registration = response.context["report"].entered[0][1]
    assert (registration.unit, registration.phone, registration.language) == (
        current_unit("01"),
        "+84912345678",
        "en",
    )


def test_import_vietnamese_report_names_columns_in_vietnamese(client, open_edition, liaison):
    response = _upload(client, open_edition, _csv(_row(salutation="Cô")))
    assert _problems(response) == [("2", "Danh xưng", "Ghi “Ông” hoặc “Bà” (Mr hoặc Ms).")]


def test_import_missing_column_file_refused(client, open_edition, liaison):
    response = _upload(client, open_edition, _csv(["Nguyễn An"], header=["Họ và tên"]), lang="en")
    assert response.context["form"].errors["file"] == [
        "Columns missing from the first row: Danh xưng / Salutation; Chức vụ / Position; "
        "Cơ quan / Organisation; Điện thoại / Phone. Start from the template."
    ]


def test_import_limits_refused_with_messages(client, open_edition, liaison, settings):
    big = SimpleUploadedFile("doan.csv", b"a" * (forms.MAX_FILE_BYTES + 1), "text/csv")
    response = _upload(client, open_edition, big, lang="en")
    assert response.context["form"].errors["file"] == [
        "The file is too large (1024 KB); the limit is 1024 KB."
    ]
    many = _csv(*[_row(full_name=f"Đại biểu {n}") for n in range(forms.MAX_ROWS + 1)])
    response = _upload(client, open_edition, many, lang="en")
    assert response.context["form"].errors["file"] == [
        "The file has more than 300 delegates: split it into several files."
    ]
    latin = SimpleUploadedFile(
        "doan.csv", "Họ tên,Số".encode("cp1258", errors="replace"), "text/csv"
    )
    response = _upload(client, open_edition, latin, lang="en")
    assert response.context["form"].errors["file"] == [
        "This CSV file is not in UTF-8: in Excel, save it as “CSV UTF-8”, or upload the XLSX file."
    ]
    other = SimpleUploadedFile("doan.pdf", b"%PDF", "application/pdf")
    response = _upload(client, open_edition, other, lang="en")
    assert response.context["form"].errors["file"] == ["Upload an XLSX or CSV file (the template)."]
    assert Registration.objects.count() == 0


def test_import_control_characters_removed_like_every_form(client, open_edition, liaison):
    response = _upload(client, open_edition, _csv(_row(full_name="Nguyễn\x07 Thị\x00 Hiền")))
    assert response.context["report"].entered[0][1].full_name == "Nguyễn Thị Hiền"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_import_template_has_bilingual_header_and_sample_row_that_imports(
    client, open_edition, liaison, fmt
):
    response = client.get(url("delegation_import_template", open_edition.number, fmt))
    assert response.status_code == 200
    content = b"".join(response)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
        rows = [row for row in rows if any(row)]
    else:
        import csv

        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[0][:3] == ["Họ và tên / Full name", "Danh xưng / Salutation", "Chức vụ / Position"]
    assert len(rows) == 2
    upload = SimpleUploadedFile(f"mau.{fmt}", content)
    response = _upload(client, open_edition, upload)
    assert response.context["problems"] == []
    assert [r.full_name for _n, r in response.context["report"].entered] == ["Nguyễn Thị Hiền"]


def test_import_page_query_count_does_not_grow_with_rows(
    client, open_edition, organizer, django_assert_max_num_queries
):
    def queries(count):
        file = _csv(*[_row(full_name=f"Đại biểu {n}", unit="31", email="") for n in range(count)])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = _upload(client, open_edition, file)
        assert response.context["problems"] == []
        return len(captured)

    queries(1)
    one, three = queries(1), queries(3)
    # The rows' lookups (provinces, parts) are read once for the file: only the service's
    # per-row writes (rolled back in the preview) grow with the rows.
    assert three - one == 2 * 13


def test_delegation_page_links_to_staff_entry(client, open_edition, liaison):
    response = client.get(url("delegation", open_edition.number))
    hrefs = re.findall(r'href="([^"]+)"', response.content.decode())
    assert url("staff_entry", open_edition.number) in hrefs
    assert url("delegation_import", open_edition.number) in hrefs
