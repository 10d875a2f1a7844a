"""The compiled proposals of an edition (tổng hợp kiến nghị), grouped by policy area: XLSX
(openpyxl) and PDF (WeasyPrint, as the badges). Accepted proposals and their answers only."""

from __future__ import annotations

import io
from itertools import groupby

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from conference import dates

FORMULA_STARTS = ("=", "+", "-", "@")


def _safe(value: str) -> str:
    return "'" + value if value and value.startswith(FORMULA_STARTS) else value


def groups(proposals) -> list[tuple[object, list]]:
    """(area, proposals) in the areas' order; the list is already ordered by area."""
    return [(area, list(items)) for area, items in groupby(proposals, key=lambda p: p.area)]


def _answer(proposal) -> str:
    parts = [
        f"{r.issued_by}{', ' + r.number if r.number else ''}, {dates.short_date(r.date)}: {r.text}"
        for r in proposal.responses.all()
    ]
    return "\n".join(parts) or str(proposal.get_state_display())


def _related(proposal) -> str:
    return "\n".join(
        f"{d.number} ({dates.short_date(d.date)}) {d.localized_title}"
        for d in proposal.related_documents.all()
    )


def _filename(edition, extension: str) -> str:
    return f"tong-hop-kien-nghi-{edition.ordinal}-{edition.year}.{extension}"


def compiled_xlsx(edition, proposals) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Proposals")[:31]
    headers = [
        (_("No."), 6),
        (_("Province or city"), 16),
        (_("Kind"), 14),
        (_("Title"), 40),
        (_("Summary"), 60),
        (_("Addressed to"), 20),
        (_("Legal references"), 30),
        (_("State"), 18),
        (_("Answer"), 50),
        (_("Related documents"), 40),
    ]
    sheet.append([str(edition.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append([header for header, _width in headers])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for index, (_header, width) in enumerate(headers):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    number = 0
    for area, items in groups(proposals):
        sheet.append([str(area)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for proposal in items:
            number += 1
            sheet.append(
                [
                    number,
                    proposal.unit.name,
                    str(proposal.get_kind_display()),
                    _safe(proposal.title),
                    _safe(proposal.summary),
                    str(proposal.get_addressed_to_display()),
                    _safe(proposal.legal_references),
                    str(proposal.get_state_display()),
                    _safe(_answer(proposal)),
                    _safe(_related(proposal)),
                ]
            )
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
    sheet.freeze_panes = "A4"
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, "xlsx")}"'
    return response


def compiled_html(edition, proposals) -> str:
    return render_to_string(
        "proposals/compiled_pdf.html", {"edition": edition, "groups": groups(proposals)}
    )


def compiled_pdf(request, edition, proposals) -> HttpResponse:
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    pdf = HTML(string=compiled_html(edition, proposals)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(edition, "pdf")}"'
    return response
