"""The organizers' registration list as CSV and XLSX, with the Vietnamese text intact.

- Rows come from the queryset the list page filters (``conference.filters.RegistrationFilter``),
  read in chunks with ``.iterator(chunk_size=EXPORT_CHUNK)`` as plain values, each with its
  programme parts' ids (a subquery), so the first row leaves at once and rows never sit in memory
  all at once. Phones are formatted through the worker's cache.
- CSV: UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), comma-separated
  (RFC 4180, what LibreOffice, Google Sheets, Python and import tools expect; Excel users get the
  XLSX, which needs no guessing of separators), dates as 17/05/2024 08:42 in Vietnam time, phones
  as 0912 345 678 (text, so the leading 0 stays). Streamed row by row.
- XLSX: openpyxl's write-only workbook (constant memory), bold frozen header row, column widths,
  an autofilter, real date-time cells shown dd/mm/yyyy hh:mm; written to a file by a background
  job (``conference.file_kinds``) with its progress, then downloaded.
- Text typed by the public is never taken as a formula: a value starting with = + - @ gets a
  leading apostrophe in the CSV and is stored as a string cell in the XLSX.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import BinaryIO

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from conference.dates import written_datetime
from conference.models import ProgrammePart, Registration
from conference.phones import format_stored_phone
from conference.text_input import clean_text
from provinces.models import ProvincialUnit

EXPORT_CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def columns() -> list[tuple[str, float]]:
    """(header, XLSX width) of each column, in the active language."""
    return [
        (gettext("Code"), 13),
        (gettext("Full name"), 26),
        (gettext("Salutation"), 9),
        (gettext("Position"), 28),
        (gettext("Kind of organisation"), 24),
        (gettext("Organisation"), 32),
        (gettext("Province or city"), 14),
        (gettext("Email"), 28),
        (gettext("Phone"), 14),
        (gettext("Parts of the programme"), 24),
        (gettext("Accommodation"), 24),
        (gettext("Diet"), 18),
        (gettext("Status"), 18),
        (gettext("Registered at"), 17),
        (gettext("Checked in at"), 17),
    ]


DATE_COLUMNS = (13, 14)  # registered at, checked in at


def _local(moment: datetime.datetime | None, zone=None) -> datetime.datetime | None:
    """Vietnam time without a zone (spreadsheets have none)."""
    if moment is None:
        return None
    return moment.astimezone(zone or timezone.get_current_timezone()).replace(tzinfo=None)


ROW_FIELDS = (
    "badge_code",
    "full_name",
    "salutation",
    "position",
    "organisation_kind",
    "organisation_name",
    "unit_id",
    "email",
    "phone",
    "accommodation_needs",
    "dietary_needs",
    "status",
    "created_at",
    "checked_in_at",
)


class _JoinedIds(models.Aggregate):
    """The ids aggregated as one text, comma-separated (GROUP_CONCAT on SQLite, STRING_AGG on
    PostgreSQL), in no particular order."""

    function = "GROUP_CONCAT"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra_context,
        )


def _part_ids():
    """A registration's programme parts as one text of ids ("3,1"), read with its row: a
    subquery per row through the (registration, part) index, instead of a query per chunk with
    an IN list of the chunk's ids (compiling 2,000 parameters cost ~30 ms a chunk)."""
    through = Registration.parts.through
    return models.Subquery(
        through.objects.filter(registration_id=models.OuterRef("pk"))
        .order_by()
        .values("registration_id")
        .annotate(ids=_JoinedIds("programmepart_id"))
        .values("ids")
    )


def rows(queryset) -> Iterator[list]:
    """One list per registration, in the list page's order; dates as naive Vietnam-time
    datetimes. Reads plain values in chunks (no model instances), each row with its programme
    parts' ids, so the first row leaves at once and memory stays flat however many rows; unit
    names and the parts' titles are read once (and each set of parts joined once). Phones are
    shown by ``phones.format_stored_phone`` (phonenumbers once per kind of number, not once per
    row)."""
    kinds = {key: str(label) for key, label in Registration.OrganisationKind.choices}
    statuses = {key: str(label) for key, label in Registration.Status.choices}
    salutations = {
        key: Registration(salutation=key).salutation_word.capitalize()
        for key in Registration.Salutation.values
    }
    units = dict(ProvincialUnit.objects.values_list("pk", "name"))
    parts = ProgrammePart.objects.filter(edition__in=queryset.values("edition_id")).order_by(
        "order", "id"
    )
    position = {part.pk: (index, part.localized("title")) for index, part in enumerate(parts)}

    @functools.cache
    def titles(ids: str | None) -> str:
        if not ids:
            return ""
        chosen = sorted(position[int(part_id)] for part_id in ids.split(","))
        return "; ".join(title for _index, title in chosen)

    zone = timezone.get_current_timezone()  # read once: timezone.localtime looks it up per call
    values = (
        queryset.ordered()
        .annotate(export_part_ids=_part_ids())
        .values_list(*ROW_FIELDS, "export_part_ids")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for (
        code,
        full_name,
        salutation,
        position_held,
        kind,
        organisation,
        unit_id,
        email,
        phone,
        accommodation,
        diet,
        status,
        created_at,
        checked_in_at,
        part_ids,
    ) in values:
        yield [
            code,
            full_name,
            salutations.get(salutation, salutation),
            position_held,
            kinds.get(kind, kind),
            organisation,
            units.get(unit_id, ""),
            email,
            format_stored_phone(phone),
            titles(part_ids),
            accommodation,
            diet,
            statuses.get(status, status),
            _local(created_at, zone),
            _local(checked_in_at, zone),
        ]


def _safe(value):
    if not isinstance(value, str):
        return value
    if not (value.isprintable() and unicodedata.is_normalized("NFC", value)):
        # No control character, whatever was stored (the check above is the fast, usual case:
        # clean_text would return such a value unchanged).
        value = clean_text(value, multiline=True)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# Rows per piece of the streamed CSV: one write to the client per some 100 KB rather than per row
# (20,000 small writes cost more than writing the rows).
CSV_BATCH = 400


# A line of a cell's text that a spreadsheet would take as a formula (see _safe).
_FORMULA_LINE = re.compile(r"^[=+\-@]", re.MULTILINE)
TEXT_COLUMNS = slice(0, DATE_COLUMNS[0])


def _csv_row(row: list) -> list:
    texts = ["" if value is None else value for value in row[TEXT_COLUMNS]]
    joined = "".join(texts)
    # The usual row, checked at once: printable, NFC, nothing starting like a formula (a cell
    # that fails goes through _safe, which gives any other cell back unchanged).
    if not (
        joined.isprintable()
        and unicodedata.is_normalized("NFC", joined)
        and not _FORMULA_LINE.search("\n".join(texts))
    ):
        texts = [_safe(text) for text in texts]
    for moment in row[TEXT_COLUMNS.stop :]:
        texts.append("" if moment is None else written_datetime(moment))
    return texts


def csv_lines(queryset) -> Iterator[bytes]:
    """The CSV file, UTF-8 with a byte-order mark: the header line at once, then the rows in
    pieces of ``CSV_BATCH`` lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _width in columns()])
    yield codecs.BOM_UTF8 + buffer.getvalue().encode()
    values = rows(queryset)
    while batch := list(itertools.islice(values, CSV_BATCH)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_row(row) for row in batch])
        yield buffer.getvalue().encode()


def xlsx_write(
    queryset,
    output: BinaryIO,
    *,
    sheet_title: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the XLSX file to ``output``, built in a write-only workbook (rows go to openpyxl's
    temporary file as they come, never all in memory), calling ``progress(rows so far)`` every
    ``XLSX_BATCH`` rows. A zip's directory comes last, so the file cannot be sent before its
    last row: it is prepared in the background (``conference.file_kinds``) and downloaded when
    ready. Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    headers = columns()
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}1"
    bold = Font(bold=True)
    header_cells = []
    for header, _width in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        header_cells.append(cell)

    count = _write_rows(sheet, header_cells, rows(queryset), progress=progress)
    workbook.save(output)
    if progress is not None:
        progress(count)
    return count


@functools.cache
def _empty_cells():
    """The cells of empty strings in a piece of rows (lxml: imported by the XLSX export only)."""
    from lxml import etree

    return etree.XPath('row/c[@t="inlineStr" and not(*)]')


def _written() -> Iterator[None]:
    yield


# Rows per piece of sheet XML handed to lxml at once.
XLSX_BATCH = 500


def _xml_text(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _write_rows(
    sheet,
    header_cells: list,
    values: Iterator[list],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """The sheet's rows, as openpyxl's write-only sheet would write them from ``sheet.append``
    (the same XML: tests/conference/test_exports.py compares them), without one cell object per
    value: openpyxl's cell writing was 70 % of the XLSX's time. Each row's XML is written as text
    (strings as inline strings, never formulas; characters a spreadsheet cannot hold left out; a
    date with the header's neighbour style "dd/mm/yyyy hh:mm"), parsed by lxml in pieces of
    ``XLSX_BATCH`` rows and written through the sheet's own xmlfile. Uses openpyxl's write-only
    internals (``_get_writer``, ``_writer.xf``, ``_rows``; openpyxl is pinned in uv.lock).
    Calls ``progress(rows so far)`` after each piece; returns the number of rows after the
    header."""
    from lxml import etree
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel

    sheet._get_writer()
    writer = sheet._writer
    xf = writer.xf.send(True)
    letters = [get_column_letter(index) for index in range(1, len(header_cells) + 1)]
    count = 0
    with xf.element("sheetData"):
        writer.write_row(xf, sheet._values_to_row(header_cells, 1), 1)
        probe = WriteOnlyCell(sheet, value=datetime.datetime(2000, 1, 1))  # noqa: DTZ001
        probe.number_format = "dd/mm/yyyy hh:mm"
        date_style, epoch = probe.style_id, sheet.parent.epoch
        while batch := list(itertools.islice(values, XLSX_BATCH)):
            parts = ["<x>"]
            for row in batch:
                count += 1
                number = count + 1
                parts.append(f'<row r="{number}">')
                for letter, value in zip(letters, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, datetime.datetime):
                        serial = "%.16g" % to_excel(value, epoch)  # noqa: UP031 (openpyxl's)
                        parts.append(
                            f'<c r="{letter}{number}" s="{date_style}" t="n"><v>{serial}</v></c>'
                        )
                        continue
                    if not value.isprintable():
                        value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    value = value[:32767]
                    if not value:
                        parts.append(f'<c r="{letter}{number}" t="inlineStr"></c>')
                        continue
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    parts.append(
                        f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>'
                        f"{_xml_text(value)}</t></is></c>"
                    )
                parts.append("</row>")
            parts.append("</x>")
            piece = etree.fromstring("".join(parts))
            for empty in _empty_cells()(piece):
                empty.text = ""  # written <c …></c>, as openpyxl writes an empty string
            for element in piece:
                xf.write(element)
            if progress is not None:
                progress(count)
    writer.xf.send(None)
    sheet._rows = _written()  # nothing left for sheet.close() to write
    return count
