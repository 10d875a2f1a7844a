import datetime
import io
from urllib.parse import quote

import pypdf
import pytest
import segno
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import timezone, translation

from conference import badge_names, badges
from conference.models import FileJob, Registration
from conference.signing import manage_token
from provinces.models import Department
from tests.factories import (
    EditionFactory,
    EditionParticipantFactory,
    LiaisonFactory,
    RegistrationFactory,
    UserFactory,
    current_unit,
)
from tests.file_jobs import prepared_file, request_file
from tests.html import open_registration, texts, url
from tests.pdf import pdf_page_count, pdf_text

pytestmark = pytest.mark.django_db

Status = Registration.Status


def login_redirect(path: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?next={quote(path)}"


@pytest.fixture
def edition():
    edition = EditionFactory(number=30, year=2026)
    EditionParticipantFactory(edition=edition, unit=current_unit("01"))
    EditionParticipantFactory(edition=edition, unit=current_unit("31"))
    return edition


@pytest.fixture
def hien(edition):
    return RegistrationFactory(
        edition=edition,
        full_name="Nguyễn Thị Hiền",
        salutation=Registration.Salutation.MS,
        position="Giám đốc Sở",
        organisation_name="Sở Công Thương Quảng Ninh",
        status=Status.CONFIRMED,
        badge_code="7K3M9QXD2P",
    )


@pytest.fixture
def organizer():
    return UserFactory(roles=["organizer"])


def haiphong_liaison():
    return LiaisonFactory(department=Department.objects.get(unit=current_unit("31")))


# --- the PDF --------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_badge_pdf_has_vietnamese_text_and_code(client, hien, organizer):
    client.force_login(organizer)
    response = client.get(url("badge_registration", pk=hien.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="badge-7K3M9QXD2P.pdf"'
    assert response.content.startswith(b"%PDF")
    lines = [" ".join(line.split()) for line in pdf_text(response.content, "-layout").splitlines()]
    lines = [line for line in lines if line]
    assert "Nguyễn Thị Hiền" in lines
    assert "Giám đốc Sở" in lines
    assert "Sở Công Thương Quảng Ninh" in lines
    assert "HÀ NỘI" in lines  # the province band (upper case by CSS)
    assert any(line.endswith("7K3M9-QXD2P") for line in lines)
    assert "15/10/2026 · Phú Thọ" in lines


@pytest.mark.parametrize(
    ("lang", "title"),
    [("vi", "Thẻ đại biểu của Nguyễn Thị Hiền"), ("en", "Badge of Nguyễn Thị Hiền")],
)
def test_badge_pdf_carries_its_language_and_title(client, hien, organizer, lang, title):
    """WCAG 2.4.2 and 3.1.1 for PDF (techniques PDF18, PDF16): a title the viewer shows instead of
    the file name, the document's language, and tags for assistive technology (PDF/UA-1)."""
    client.force_login(organizer)
    response = client.get(url("badge_registration", pk=hien.pk, lang=lang))

    pdf = pypdf.PdfReader(io.BytesIO(response.content))
    catalog = pdf.trailer["/Root"]
    assert (pdf.metadata.title, catalog["/Lang"]) == (title, lang)
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog


def test_badge_qr_code_holds_exactly_the_badge_code(hien):
    qr = badges.qr_code(hien.badge_code)
    assert qr.is_micro is False  # handheld scanners read regular QR codes
    assert qr.mode == "alphanumeric"
    html = badges.render_badges_html(edition=hien.edition, registrations=[hien], title="t")
    expected = segno.make_qr("7K3M9QXD2P", error="m").svg_data_uri(
        scale=4, border=1, dark="#000", light="#fff"
    )
    assert f'src="{expected}"' in html
    # Not the code of anyone else: another code gives another matrix.
    assert segno.make_qr("7K3M9QXD2Q", error="m").matrix != qr.matrix


def test_badge_data_whole_value(hien):
    data = badges.badge_data(hien)
    assert data == {
        "salutation": data["salutation"],
        "full_name": "Nguyễn Thị Hiền",
        "name_size": "",
        "position": "Giám đốc Sở",
        "position_size": "",
        "organisation": "Sở Công Thương Quảng Ninh",
        "organisation_size": "",
        "unit": "Hà Nội",
        "kind": str(Registration.OrganisationKind.DOIT.label),
        "code": "7K3M9QXD2P",
        "code_display": "7K3M9-QXD2P",
        "qr": badges.qr_data_uri("7K3M9QXD2P"),
        "status": "confirmed",
    }
    with translation.override("en"):
        assert badges.badge_data(hien)["salutation"] == "Ms"


@pytest.mark.pdf
def test_badge_sheet_has_eight_badges_per_a4_page(client, edition, organizer):
    for index in range(9):
        RegistrationFactory(
            edition=edition,
            full_name=f"Trần Văn Đức {index}",
            status=Status.CONFIRMED if index % 2 else Status.CHECKED_IN,
        )
    RegistrationFactory(edition=edition, full_name="Lê Chờ Duyệt", status=Status.PENDING)
    RegistrationFactory(edition=edition, full_name="Lê Đã Huỷ", status=Status.CANCELLED)
    RegistrationFactory(
        edition=edition, unit=current_unit("31"), full_name="Phạm Hải Phòng", status="confirmed"
    )
    client.force_login(organizer)
    response = client.get(url("badge_sheet_unit", edition.number, current_unit("01").pk))
    assert response.status_code == 200
    text = pdf_text(response.content)
    pages = [" ".join(page.split()) for page in text.split("\f") if page.strip()]
    assert [page.count("Trần Văn Đức") for page in pages] == [8, 1]
    assert "Lê Chờ Duyệt" not in text
    assert "Lê Đã Huỷ" not in text
    assert "Phạm Hải Phòng" not in text


def test_badge_sheet_without_confirmed_delegates_explains(client, edition, organizer):
    RegistrationFactory(edition=edition, status=Status.PENDING)
    client.force_login(organizer)
    response = client.get(url("badge_sheet_unit", edition.number, current_unit("01").pk, lang="en"))
    assert response.status_code == 404
    assert response.templates[0].name == "conference/badge_none.html"
    assert (
        "No delegate of Hà Nội is confirmed yet. Badges are issued only for confirmed "
        "registrations." in " ".join(response.content.decode().split())
    )


@pytest.mark.pdf
def test_badge_sheet_of_others_for_organizers(client, edition, organizer):
    RegistrationFactory(
        edition=edition,
        unit=None,
        organisation_kind=Registration.OrganisationKind.PRESS,
        organisation_name="Báo Công Thương",
        full_name="Đỗ Thị Phóng Viên",
        status=Status.CONFIRMED,
    )
    client.force_login(organizer)
    response = client.get(url("badge_sheet_others", edition.number))
    assert response.status_code == 200
    assert "Đỗ Thị Phóng Viên" in " ".join(pdf_text(response.content).split())


# --- one PDF for the whole edition, or for the list's filters -------------------------------------


def _delegates(edition, count, **kwargs):
    return [
        RegistrationFactory(
            edition=edition,
            full_name=f"Trần Văn Đức {index:02d}",
            status=Status.CONFIRMED,
            **kwargs,
        )
        for index in range(count)
    ]


@pytest.mark.pdf
def test_badges_filtered_whole_edition_is_one_pdf_of_every_badge(client, edition, organizer):
    _delegates(edition, 9)  # Hà Nội
    _delegates(edition, 3, unit=current_unit("31"))
    RegistrationFactory(edition=edition, unit=None, organisation_kind="press", status="checked_in")
    RegistrationFactory(edition=edition, full_name="Lê Chờ Duyệt", status=Status.PENDING)
    client.force_login(organizer)
    response = prepared_file(client, edition.number, "badges_pdf")
    content = response.getvalue()
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"].startswith('attachment; filename="badges-XXX-')
    assert pdf_page_count(content) == 2  # 13 badges, eight a sheet
    text = " ".join(pdf_text(content).split())
    assert text.count("Trần Văn Đức") == 12
    assert "Lê Chờ Duyệt" not in text


@pytest.mark.pdf
def test_badges_filtered_uses_the_filters_of_the_registration_list(client, edition, organizer):
    _delegates(edition, 2)
    RegistrationFactory(
        edition=edition, unit=current_unit("31"), full_name="Phạm Hải Phòng", status="confirmed"
    )
    client.force_login(organizer)
    number = edition.number
    by_unit = prepared_file(client, number, "badges_pdf", f"unit={current_unit('31').pk}")
    by_search = prepared_file(client, number, "badges_pdf", "q=tran van duc 01")
    unit_text = " ".join(pdf_text(by_unit.getvalue()).split())
    search_text = " ".join(pdf_text(by_search.getvalue()).split())
    assert unit_text.count("Phạm Hải Phòng") == 1
    assert "Trần Văn Đức" not in unit_text
    assert "Trần Văn Đức 01" in search_text
    assert "Trần Văn Đức 00" not in search_text


@pytest.mark.pdf
def test_badges_pdf_laid_out_in_chunks_keeps_every_badge_in_order(edition):
    registrations = _delegates(edition, 11)
    content = badges.render_badges_pdf(
        edition=edition, registrations=registrations, title="Thẻ", sheets_per_part=1
    )
    text = " ".join(pdf_text(content).split())
    assert pdf_page_count(content) == 2
    found = [text.index(f"Trần Văn Đức {index:02d}") for index in range(11)]
    assert found == sorted(found)


def test_badges_filtered_without_badges_explains(client, edition, organizer):
    RegistrationFactory(edition=edition, status=Status.PENDING)
    client.force_login(organizer)
    response = request_file(client, edition.number, "badges_pdf", "status=pending")
    assert response.status_code == 404
    assert (
        "No confirmed delegate matches these filters. Badges are issued only for confirmed "
        "registrations." in " ".join(response.content.decode().split())
    )
    assert FileJob.objects.count() == 0


def test_badges_filtered_refused_to_liaisons(client, hien):
    client.force_login(LiaisonFactory())
    assert request_file(client, hien.edition.number, "badges_pdf").status_code == 403
    assert FileJob.objects.count() == 0


def test_badge_index_counts_every_badge_outside_the_provinces_as_others(client, edition, organizer):
    press = {"unit": None, "organisation_kind": "press"}
    RegistrationFactory(edition=edition, status=Status.CONFIRMED, **press)
    RegistrationFactory(edition=edition, status=Status.CHECKED_IN, **press)
    RegistrationFactory(edition=edition, status=Status.PENDING, **press)
    RegistrationFactory(edition=edition, status=Status.CANCELLED, **press)
    # a province that no longer takes part: its badges belong to no province's sheet
    EditionParticipantFactory(edition=edition, unit=current_unit("04"))
    left = RegistrationFactory(edition=edition, unit=current_unit("04"), status="confirmed")
    edition.participants.filter(unit=current_unit("04")).delete()
    client.force_login(organizer)
    response = client.get(url("badge_index", edition.number))
    assert response.context["others"] == {"with_badge": 3, "pending": 1}
    assert left in badges.with_badges(badges.others_of(edition))


def test_badge_index_filters_count_the_badges_they_select(client, edition, organizer):
    _delegates(edition, 3)
    _delegates(edition, 2, unit=current_unit("31"))
    client.force_login(organizer)
    path = url("badge_index", edition.number, lang="en")
    whole = client.get(path)
    haiphong = client.get(f"{path}?unit={current_unit('31').pk}")
    assert (whole.context["selected"], haiphong.context["selected"]) == (5, 2)
    assert texts(haiphong, "all-badges") == ["Prepare the PDF of these badges"]
    assert haiphong.context["query"] == f"unit={current_unit('31').pk}&edition=30"


# --- names too long for the badge -----------------------------------------------------------------

CUT = "Công Tằng Tôn Nữ Thị Bảo Ngọc Hoàng Phương Anh Kim Chi"


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Nguyễn Thị Hiền", 1),
        ("Nguyễn Thị Minh Khai", 2),  # 17 pt: two lines
        ("Tôn Nữ Hoàng Thị Phương Thảo", 2),  # 13.5 pt
        ("Lê Văn Trường Giang Nguyễn Hoàng Phú", 2),  # 11 pt
        (CUT, 3),
        ("A" * 60, 4),  # one word longer than the column breaks anywhere
    ],
)
def test_badge_name_lines_as_the_template_sets_them(name, lines):
    assert badge_names.name_lines(name) == lines
    assert badge_names.name_is_cut(name) is (lines > 2)


@pytest.mark.pdf
@pytest.mark.parametrize("name", ["Lê Văn Trường Giang Nguyễn Hoàng Phú", CUT])
def test_badge_name_flagged_exactly_when_the_pdf_cuts_it(edition, name):
    registration = RegistrationFactory(edition=edition, full_name=name, status="confirmed")
    text = " ".join(
        pdf_text(
            badges.render_badges_pdf(edition=edition, registrations=[registration], title="T")
        ).split()
    )
    shown = text[: text.index(registration.position)]
    assert ("…" in shown) is badge_names.name_is_cut(name)


def test_badge_index_flags_names_too_long_before_printing(client, edition, organizer):
    long = RegistrationFactory(edition=edition, full_name=CUT, status=Status.CONFIRMED)
    RegistrationFactory(edition=edition, full_name=CUT + " Hai", status=Status.PENDING)  # no badge
    RegistrationFactory(edition=edition, full_name="Nguyễn Thị Hiền", status=Status.CONFIRMED)
    client.force_login(organizer)
    response = client.get(url("badge_index", edition.number, lang="en"))
    assert response.context["cut_names"] == [long]
    assert texts(response, "cut-names-title") == ["1 name is too long for the badge"]


def test_badge_index_liaison_sees_only_own_cut_names(client, edition):
    RegistrationFactory(edition=edition, full_name=CUT, status=Status.CONFIRMED)
    client.force_login(haiphong_liaison())
    response = client.get(url("badge_index", edition.number))
    assert response.context["cut_names"] == []


def test_badge_name_flag_follows_the_name_when_saved(edition):
    registration = RegistrationFactory(edition=edition, full_name=CUT, status=Status.CONFIRMED)
    assert Registration.objects.get(pk=registration.pk).badge_name_cut is True
    registration.full_name = "Nguyễn Thị Hiền"
    registration.save(update_fields=["full_name"])
    assert Registration.objects.get(pk=registration.pk).badge_name_cut is False


# --- who may download -----------------------------------------------------------------------------


@pytest.mark.pdf
def test_badge_liaison_gets_own_province(client, hien):
    client.force_login(LiaisonFactory())
    single = client.get(url("badge_registration", pk=hien.pk))
    assert single.status_code == 200
    assert hien.full_name in " ".join(pdf_text(single.content).split())
    sheet = client.get(url("badge_sheet_unit", hien.edition.number, hien.unit_id))
    assert sheet.status_code == 200
    assert hien.full_name in " ".join(pdf_text(sheet.content).split())


def test_badge_liaison_of_another_province_is_refused(client, hien):
    client.force_login(haiphong_liaison())
    assert client.get(url("badge_registration", pk=hien.pk)).status_code == 403
    assert client.get(url("badge_sheet_unit", hien.edition.number, hien.unit_id)).status_code == 403
    assert client.get(url("badge_sheet_others", hien.edition.number)).status_code == 403


def test_badge_liaison_cannot_get_badge_without_province(client, edition):
    other = RegistrationFactory(
        edition=edition,
        unit=None,
        organisation_kind=Registration.OrganisationKind.GUEST,
        status=Status.CONFIRMED,
    )
    client.force_login(LiaisonFactory())
    assert client.get(url("badge_registration", pk=other.pk)).status_code == 403


def test_badge_anonymous_is_sent_to_login(client, hien):
    for path in (
        url("badge_registration", pk=hien.pk),
        url("badge_sheet_unit", hien.edition.number, hien.unit_id),
        url("badge_sheet_others", hien.edition.number),
        url("badge_index", hien.edition.number),
    ):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, login_redirect(path))


@pytest.fixture
def upcoming(edition):
    """The edition a month ahead: its delegates' links still open their registration (they
    expire MANAGE_LINK_DAYS after the edition)."""
    edition.date = timezone.localdate() + datetime.timedelta(days=30)
    edition.save(update_fields=["date"])
    return edition


@pytest.mark.pdf
@pytest.mark.usefixtures("upcoming")
def test_badge_delegate_downloads_own_badge_with_link(client, hien):
    open_registration(client, hien)
    response = client.get(url("badge_delegate"))
    assert response.status_code == 200
    assert "Nguyễn Thị Hiền" in " ".join(pdf_text(response.content).split())


def test_badge_delegate_with_altered_link_is_refused(client, hien):
    response = client.get(url("registration_open", token=manage_token(hien) + "x"))
    assert response.status_code == 400
    assert response.templates[0].name == "conference/registration_link_invalid.html"
    response = client.get(url("badge_delegate"))
    assert (response.status_code, response.context["reason"]) == (403, "missing")


@pytest.mark.parametrize(
    "status", [Status.PENDING, Status.WAITLISTED, Status.CANCELLED, Status.DECLINED]
)
def test_badge_without_confirmed_seat_is_explained(client, upcoming, status):
    edition = upcoming
    registration = RegistrationFactory(edition=edition, full_name="Vũ Văn Chờ", status=status)
    open_registration(client, registration, lang="en")
    response = client.get(url("badge_delegate", lang="en"))
    assert response.status_code == 409
    text = " ".join(response.content.decode().split())
    assert (
        f"The registration of Vũ Văn Chờ is “{registration.get_status_display()}”. Badges are "
        "issued only for confirmed registrations: a registration awaiting confirmation may still "
        "be declined, and one on the waiting list has no seat yet." in text
    )


# --- the index page -------------------------------------------------------------------------------


def test_badge_index_organizer_sees_every_province(client, hien, organizer):
    RegistrationFactory(edition=hien.edition, status=Status.PENDING)
    client.force_login(organizer)
    response = client.get(url("badge_index", hien.edition.number))
    rows = [(p.unit.name, p.with_badge, p.pending) for p in response.context["participants"]]
    assert rows == [("Hà Nội", 1, 1), ("Hải Phòng", 0, 0)]
    assert response.context["others"] == {"with_badge": 0, "pending": 0}


def test_badge_index_liaison_sees_own_province_only(client, hien):
    client.force_login(haiphong_liaison())
    response = client.get(url("badge_index", hien.edition.number))
    rows = [(p.unit.name, p.with_badge) for p in response.context["participants"]]
    assert rows == [("Hải Phòng", 0)]
    assert response.context["others"] is None


def test_badge_index_refuses_other_users(client, hien):
    client.force_login(UserFactory())
    assert client.get(url("badge_index", hien.edition.number)).status_code == 403


def test_badge_index_renders_no_template_per_row(client, edition, organizer):
    """The badge index renders the same templates for one badge as for many, in several
    provinces and with names too long for the badge: no include per row or per option."""
    client.force_login(organizer)
    rendered = []
    for count in (1, 8):
        Registration.objects.filter(edition=edition).delete()
        for index in range(count):
            RegistrationFactory(
                edition=edition,
                status=Status.CONFIRMED,
                unit=current_unit("01" if index % 2 else "31"),
                full_name="Nguyễn " * (index % 3 * 6) + "Thị Hiền",
            )
        response = client.get(url("badge_index", edition.number))
        rendered.append([template.name for template in response.templates])
    assert len(response.context["cut_names"]) > 1
    assert rendered[0] == rendered[1]


@pytest.mark.parametrize("count", [1, 6])
def test_badge_index_query_count(client, edition, organizer, count, django_assert_num_queries):
    for _index in range(count):
        RegistrationFactory(edition=edition, status=Status.CONFIRMED)
    client.force_login(organizer)
    client.get(url("badge_index", edition.number))  # warm the session and user caches
    # session, user with their department, edition, groups, participants; the filter's edition is
    # the page's own (checked without a query); the seat counts and the names too long are kept
    # until a registration changes (conference.seat_counts), the provinces offered are the
    # participants, the badges selected without filters are the counts' sum
    with django_assert_num_queries(5):
        response = client.get(url("badge_index", edition.number))
    assert response.status_code == 200


@pytest.mark.pdf
@pytest.mark.parametrize("count", [1, 9])
def test_badge_sheet_query_count(client, edition, organizer, count, django_assert_num_queries):
    for _index in range(count):
        RegistrationFactory(edition=edition, status=Status.CONFIRMED)
    client.force_login(organizer)
    path = url("badge_sheet_unit", edition.number, current_unit("01").pk)
    # session, user with their department, edition, participant, groups, the registrations (edition
    # and unit joined)
    with django_assert_num_queries(6):
        response = client.get(path)
    assert response.status_code == 200
