"""Staff entry: an organizer or a province's liaison registers delegates on their behalf, one by
one (:class:`StaffEntryForm`) or a whole delegation from a file (:class:`DelegationImportForm`,
read by :func:`read_delegation_file` into rows for
``services.registrations.registrations_import_by_staff``).

The file: XLSX (the first sheet) or CSV (UTF-8, comma, semicolon or tab), one delegate a row
under a header row. The columns are named in Vietnamese and English (:data:`COLUMNS`; either
language, any case, with or without accents, in any order); :func:`template_xlsx` and
:func:`template_csv` write the template with a sample row. Limits: :data:`MAX_FILE_BYTES`,
:data:`MAX_ROWS`. A cell holding a formula (in XLSX, or text starting with "=" in either) is
refused: type the value. Control characters are removed as on every form (``CleanInputMixin``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from conference.forms.registrations import (
    DELEGATE_FIELDS,
    LABELS,
    WIDGETS,
    DelegateDetailsForm,
    PhoneField,
    UnitChoiceField,
)
from conference.models import Edition, Registration
from conference.services.registrations import ImportRow
from conference.text_input import CleanInputMixin
from conference.vietnamese import fold
from provinces.models import ProvincialUnit

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 300
MAX_COLUMNS = 30

STAFF_CONSENT = _(
    "The delegate agreed that the organizers process these personal data to organise the "
    "conference, as the public form explains (Decree 13/2023/NĐ-CP)."
)
STAFF_CONSENT_FILE = _(
    "Each delegate of the file agreed that the organizers process these personal data to "
    "organise the conference, as the public form explains (Decree 13/2023/NĐ-CP)."
)
STAFF_CONSENT_REQUIRED = _("Confirm that the delegates agreed to the processing of their data.")
WAITLIST_LABEL = _("Put a delegate on the waiting list when no seat is free")


def _unit_queryset(edition: Edition, unit: ProvincialUnit | None):
    units = ProvincialUnit.objects.filter(participations__edition=edition).order_by("sort_key")
    return units.filter(pk=unit.pk) if unit is not None else units


class StaffEntryForm(DelegateDetailsForm):
    """One delegate entered by an organizer (any participating province, or none) or a liaison
    (``unit``: their own province, fixed). The email is optional."""

    consent = forms.BooleanField(
        label=STAFF_CONSENT, error_messages={"required": STAFF_CONSENT_REQUIRED}
    )
    join_waitlist = forms.BooleanField(label=WAITLIST_LABEL, required=False)

    class Meta:
        model = Registration
        fields = [*DELEGATE_FIELDS, "language"]
        labels = {
            **LABELS,
            "organisation_name": _("Name of the organisation"),
            "language": _("Language of the emails"),
        }
        widgets = WIDGETS

    def __init__(self, *args, edition: Edition, unit: ProvincialUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.setup_delegate_fields(edition)
        self.fields["unit"] = UnitChoiceField(
            label=_("Province or city"),
            queryset=_unit_queryset(edition, unit),
            required=unit is not None,
            empty_label=None
            if unit is not None
            else _("— none (Ministry unit, enterprise, press, guest) —"),
            help_text=_("Its quota applies."),
        )
        if unit is not None:
            self.fields["unit"].initial = unit.pk
            self.fields["organisation_kind"].choices = [
                choice
                for choice in Registration.OrganisationKind.choices
                if choice[0] in Registration.KINDS_WITH_UNIT
            ]
        self.fields["email"].required = False
        self.fields["email"].help_text = _(
            "Leave empty for a delegate without an address of their own: nothing is emailed to "
            "them, and you manage the registration for them."
        )
        self.fields["language"].initial = translation.get_language()[:2]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("The delegate"), "salutation", "full_name", "position"),
            Fieldset(_("Their organisation"), "organisation_kind", "organisation_name", "unit"),
            Fieldset(_("How to reach them"), "email", "phone", "language"),
            Fieldset(
                _("Their participation"),
                *(["parts"] if "parts" in self.fields else []),
                "accommodation_needs",
                "dietary_needs",
            ),
            Fieldset(_("Consent and seats"), "consent", "join_waitlist"),
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("organisation_kind")
        if kind in Registration.KINDS_WITH_UNIT and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the province or city of your department or agency."))
        elif kind and kind not in Registration.KINDS_WITH_UNIT:
            cleaned["unit"] = None
        return cleaned

    def service_data(self) -> dict:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in ("parts", "consent", "join_waitlist")
        }


# ---------------------------------------------------------------------------------------------
# The delegation file
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    vietnamese: str
    english: str
    required: bool = False
    note_vi: str = ""
    note_en: str = ""

    @property
    def header(self) -> str:
        return f"{self.vietnamese} / {self.english}"


# Headers are not translated through the catalogue: the file says both languages at once, so
# a Vietnamese liaison and a foreign organizer read the same template.
COLUMNS = (
    Column("full_name", "Họ và tên", "Full name", True),
    Column("salutation", "Danh xưng", "Salutation", True, "Ông hoặc Bà", "Mr or Ms"),
    Column("position", "Chức vụ", "Position", True),
    Column(
        "organisation_kind",
        "Loại cơ quan",
        "Kind of organisation",
        False,
        "Để trống: Sở Công Thương",
        "Empty: Department of Industry and Trade",
    ),
    Column("organisation_name", "Cơ quan", "Organisation", True),
    Column(
        "unit",
        "Tỉnh, thành phố",
        "Province or city",
        False,
        "Tên hoặc mã (01); người phụ trách để trống: tỉnh của mình",
        "Name or code (01); a liaison may leave it empty: their own",
    ),
    Column("email", "Email", "Email", False, "Có thể để trống", "May be empty"),
    Column("phone", "Điện thoại", "Phone", True, "0912 345 678, +33 1 23 45 67 89"),
    Column(
        "parts",
        "Phần chương trình",
        "Programme parts",
        False,
        "Cách nhau bởi dấu ;  để trống: tất cả",
        "Separated by ;  empty: all",
    ),
    Column("accommodation_needs", "Chỗ ở", "Accommodation"),
    Column("dietary_needs", "Ăn uống", "Diet"),
    Column("language", "Ngôn ngữ email", "Email language", False, "vi hoặc en", "vi or en"),
)
SAMPLE_ROW = {
    "full_name": "Nguyễn Thị Hiền",
    "salutation": "Bà",
    "position": "Phó Giám đốc Sở",
    "organisation_kind": "Sở Công Thương",
    "organisation_name": "Sở Công Thương Hà Nội",
    "unit": "Hà Nội",
    "email": "",
    "phone": "0912 345 678",
    "parts": "",
    "accommodation_needs": "",
    "dietary_needs": "Ăn chay",
    "language": "vi",
}


def _header_key(text: str) -> str | None:
    """The column a header names: the bilingual header, or either half, any case or accents."""
    wanted = " ".join(fold(str(text or "")).replace("*", " ").split())
    for column in COLUMNS:
        names = {column.header, column.vietnamese, column.english}
        if wanted in {" ".join(fold(name).split()) for name in names}:
            return column.key
    return None


def column_label(key: str) -> str:
    """The column's name in the current language, for the report."""
    column = next((c for c in COLUMNS if c.key == key), None)
    if column is None:
        return ""
    return column.vietnamese if translation.get_language() == "vi" else column.english


def _choices_by_text(choices) -> dict[str, str]:
    """Every way to write a choice: its code and its label in both languages, folded."""
    found = {}
    for language in ("vi", "en"):
        with translation.override(language):
            for code, label in choices:
                found[fold(str(label))] = code
                found[fold(code)] = code
    return found


def _salutations() -> dict[str, str]:
    found = _choices_by_text(Registration.Salutation.choices)
    found.update({"ong": "ong", "ba": "ba", "mr": "ong", "ms": "ba", "mrs": "ba", "miss": "ba"})
    return found


def _kinds() -> dict[str, str]:
    found = _choices_by_text(Registration.OrganisationKind.choices)
    found.update({"so cong thuong": "doit", "doit": "doit"})
    return found


class DelegateRowForm(CleanInputMixin, forms.Form):
    """The text of one row, checked like the fields of the form (the rules that need the
    database's state — quota, duplicates, permissions — are the service's)."""

    full_name = forms.CharField(max_length=150)
    salutation = forms.CharField(max_length=20)
    position = forms.CharField(max_length=200)
    organisation_kind = forms.CharField(max_length=100, required=False)
    organisation_name = forms.CharField(max_length=300)
    unit = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(max_length=254, required=False)
    phone = PhoneField()
    parts = forms.CharField(max_length=1000, required=False)
    accommodation_needs = forms.CharField(max_length=500, required=False, widget=forms.Textarea)
    dietary_needs = forms.CharField(max_length=500, required=False, widget=forms.Textarea)
    language = forms.CharField(max_length=10, required=False)

    def __init__(self, *args, edition: Edition, units: dict, parts: list, default_unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.units = units
        self.edition_parts = parts
        self.default_unit = default_unit

    def clean_salutation(self):
        value = _salutations().get(fold(self.cleaned_data["salutation"]).strip(" ."))
        if value is None:
            raise ValidationError(gettext("Write “Ông” or “Bà” (Mr or Ms)."))
        return value

    def clean_organisation_kind(self):
        text = fold(self.cleaned_data["organisation_kind"]).strip()
        if not text:
            return Registration.OrganisationKind.DOIT
        value = _kinds().get(text)
        if value is None:
            raise ValidationError(
                gettext("Unknown kind of organisation; write one of: %(kinds)s.")
                % {
                    "kinds": "; ".join(
                        str(label) for _c, label in Registration.OrganisationKind.choices
                    )
                }
            )
        return value

    def clean_unit(self):
        text = fold(self.cleaned_data["unit"]).strip()
        if not text:
            return None
        unit = self.units.get(text) or self.units.get(text.zfill(2))
        if unit is None:
            raise ValidationError(
                gettext("%(unit)s does not take part in this edition.")
                % {"unit": self.cleaned_data["unit"]}
            )
        return unit

    def clean_parts(self):
        text = self.cleaned_data["parts"]
        if not text.strip():
            return list(self.edition_parts)
        by_title = {fold(part.title): part for part in self.edition_parts}
        by_title.update({fold(part.title_en): part for part in self.edition_parts if part.title_en})
        chosen, unknown = [], []
        for title in text.split(";"):
            if not title.strip():
                continue
            part = by_title.get(fold(title).strip())
            if part is None:
                unknown.append(title.strip())
            elif part not in chosen:
                chosen.append(part)
        if unknown:
            raise ValidationError(
                gettext("Not a part of this edition's programme: %(parts)s.")
                % {"parts": "; ".join(unknown)}
            )
        return chosen

    def clean_language(self):
        text = fold(self.cleaned_data["language"]).strip()
        if text in ("", "vi", "tieng viet", "vietnamese"):
            return "vi"
        if text in ("en", "tieng anh", "english"):
            return "en"
        raise ValidationError(gettext("Write vi or en."))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("organisation_kind")
        if kind in Registration.KINDS_WITH_UNIT and "unit" in cleaned and cleaned["unit"] is None:
            if self.default_unit is None:
                self.add_error(
                    "unit", gettext("Choose the province or city of your department or agency.")
                )
            else:
                cleaned["unit"] = self.default_unit
        return cleaned

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "parts"}


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.lstrip().startswith("=")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError(gettext("This file cannot be read as an XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS + 2, values_only=True):
            rows.append(list(row))
        return rows
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            gettext(
                "This CSV file is not in UTF-8: in Excel, save it as “CSV UTF-8”, or upload the "
                "XLSX file."
            )
        ) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for row in csv.reader(io.StringIO(text), dialect):
        rows.append(row[:MAX_COLUMNS])
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def read_delegation_table(uploaded) -> list[tuple[int, dict[str, str]]]:
    """The delegates' rows of an uploaded file as text by column key, each with its row number
    in the file (the header is row 1); blank rows are left out. ``ValidationError`` for a
    problem of the whole file (size, type, header, number of rows)."""
    name = (uploaded.name or "").lower()
    if uploaded.size > MAX_FILE_BYTES:
        raise ValidationError(
            gettext("The file is too large (%(size)s KB); the limit is %(limit)s KB.")
            % {"size": uploaded.size // 1024, "limit": MAX_FILE_BYTES // 1024}
        )
    content = uploaded.read(MAX_FILE_BYTES + 1)
    if name.endswith(".xlsx"):
        table = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt")):
        table = _csv_rows(content)
    else:
        raise ValidationError(gettext("Upload an XLSX or CSV file (the template)."))
    if not table:
        raise ValidationError(gettext("The file is empty."))
    header = [_header_key(_cell_text(cell)) for cell in table[0]]
    missing = [c.header for c in COLUMNS if c.required and c.key not in header]
    if missing:
        raise ValidationError(
            gettext("Columns missing from the first row: %(columns)s. Start from the template.")
            % {"columns": "; ".join(missing)}
        )
    body = []
    for number, cells in enumerate(table[1:], start=2):
        values = {
            key: _cell_text(cell)
            for key, cell in zip(header, cells, strict=False)
            if key is not None
        }
        if any(value.strip() for value in values.values()):
            body.append((number, values))
    if len(body) > MAX_ROWS:
        raise ValidationError(
            gettext("The file has more than %(limit)s delegates: split it into several files.")
            % {"limit": MAX_ROWS}
        )
    if not body:
        raise ValidationError(gettext("The file has no delegate under its header row."))
    return body


def delegation_rows(
    table: list[tuple[int, dict[str, str]]],
    *,
    edition: Edition,
    default_unit: ProvincialUnit | None,
) -> list[ImportRow]:
    """Each row of :func:`read_delegation_table` checked (:class:`DelegateRowForm`): its data for
    the service, or its problems (field, message). A liaison's rows without a province are their
    province's (``default_unit``)."""
    units = {}
    for unit in ProvincialUnit.objects.filter(participations__edition=edition):
        units[fold(unit.name)] = unit
        units[fold(unit.name_ascii)] = unit
        units[unit.code] = unit
    parts = list(edition.programme_parts.order_by("order", "id"))
    rows = []
    for number, raw in table:
        problems = [
            (key, gettext("A formula is not accepted here: type the value."))
            for key, value in raw.items()
            if _is_formula(value)
        ]
        values = {key: value for key, value in raw.items() if not _is_formula(value)}
        form = DelegateRowForm(
            values, edition=edition, units=units, parts=parts, default_unit=default_unit
        )
        if problems or not form.is_valid():
            for field, errors in form.errors.items():
                if field not in dict(problems):
                    problems.extend((field if field != "__all__" else "", e) for e in errors)
            rows.append(ImportRow(number, problems=problems))
            continue
        rows.append(ImportRow(number, data=form.service_data(), parts=form.cleaned_data["parts"]))
    return rows


class DelegationImportForm(CleanInputMixin, forms.Form):
    file = forms.FileField(
        label=_("Delegation file (XLSX or CSV)"),
        help_text=_("At most %(rows)s delegates and %(size)s MB.")
        % {"rows": MAX_ROWS, "size": MAX_FILE_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    consent = forms.BooleanField(
        label=STAFF_CONSENT_FILE, error_messages={"required": STAFF_CONSENT_REQUIRED}
    )
    join_waitlist = forms.BooleanField(
        label=_("Put the delegates over the quota on the waiting list (else they are reported)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


# ---------------------------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------------------------


def _template_rows(edition: Edition) -> list[list[str]]:
    return [[c.header for c in COLUMNS], [SAMPLE_ROW.get(c.key, "") for c in COLUMNS]]


def template_csv(edition: Edition) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_template_rows(edition))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(edition: Edition) -> bytes:
    """The template: the header and a sample row on the first sheet; the accepted values (kinds,
    provinces of the edition, parts of its programme) on a second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đại biểu - Delegates"
    for row in _template_rows(edition):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.number_format = "@"
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 2)
        # Text cells: a phone keeps its leading 0, a code its 0 (“01”).
        for row in range(2, MAX_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("Hướng dẫn - Help")
    notes.append(["Cột / Column", "Bắt buộc / Required", "Ghi chú", "Notes"])
    for column in COLUMNS:
        notes.append(
            [column.header, "x" if column.required else "", column.note_vi, column.note_en]
        )
    notes.append([])
    notes.append(["Loại cơ quan / Kind of organisation"])
    for code, _label in Registration.OrganisationKind.choices:
        with translation.override("vi"):
            vietnamese = str(Registration.OrganisationKind(code).label)
        with translation.override("en"):
            english = str(Registration.OrganisationKind(code).label)
        notes.append([vietnamese, english])
    notes.append([])
    notes.append(["Tỉnh, thành phố / Province or city", "Mã / Code"])
    for unit in ProvincialUnit.objects.filter(participations__edition=edition).order_by("sort_key"):
        notes.append([unit.name, unit.code])
    parts = list(edition.programme_parts.order_by("order", "id"))
    if parts:
        notes.append([])
        notes.append(["Phần chương trình / Programme parts"])
        for part in parts:
            notes.append([part.title, part.title_en])
    for letter, width in zip("ABCD", (40, 18, 50, 50), strict=False):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
