"""Staff entry: an organizer (any province) or a province's liaison (their own) registers
delegates on their behalf — one by the form, or a whole delegation from an XLSX or CSV file with a
preview, then all or nothing. Thin: permission → form → service → page or redirect."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from conference.forms.registrations import validation_error_to_form
from conference.forms.staff_entry import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    DelegationImportForm,
    StaffEntryForm,
    column_label,
    delegation_rows,
    read_delegation_table,
    template_csv,
    template_xlsx,
)
from conference.models import EditionParticipant
from conference.permissions import can, department_of
from conference.services import registrations as services
from conference.views.shared import edition_or_404, render_edition

# The session key of a previewed file, waiting for its confirmation.
PREVIEW_KEY = "delegation_import"


def _entry_scope(request, edition):
    """``(unit, is_organizer)``: who may enter here, and for which province. Organizers enter
    for any province (``unit`` None: they choose); a liaison for their own province only, when it
    takes part in the edition. Everyone else: 403."""
    user = request.user
    if can(user, "edition.manage"):
        return None, True
    department = department_of(user)
    if department is None or not can(user, "delegation.manage", department.unit):
        raise PermissionDenied(
            _(
                "This page is for the organizers and the liaisons of a Department of Industry "
                "and Trade."
            )
        )
    if not EditionParticipant.objects.filter(edition=edition, unit=department.unit).exists():
        raise Http404(_("Your province does not take part in this edition."))
    return department.unit, False


def _back_url(edition, unit, is_organizer: bool) -> str:
    from django.urls import reverse

    if is_organizer:
        return reverse("conference:registration_list") + f"?edition={edition.number}"
    return reverse("conference:delegation", args=[edition.number])


@login_required
@require_http_methods(["GET", "POST"])
def staff_entry(request, number: int):
    """One delegate entered by an organizer or a liaison."""
    edition = edition_or_404(number)
    unit, is_organizer = _entry_scope(request, edition)
    form = StaffEntryForm(request.POST or None, edition=edition, unit=unit)
    if not request.POST and is_organizer and request.GET.get("unit", "").isdigit():
        form.fields["unit"].initial = int(request.GET["unit"])
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create_by_staff(
                edition=edition,
                actor=request.user,
                data=form.service_data(),
                parts=form.cleaned_data.get("parts") or (),
                join_waitlist=form.cleaned_data["join_waitlist"],
            )
        except ValidationError as error:
            validation_error_to_form(form, error)
        else:
            if registration.status == registration.Status.WAITLISTED:
                messages.warning(
                    request,
                    _("%(name)s is entered, on the waiting list: no seat is free.")
                    % {"name": registration.full_name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s is entered and confirmed.") % {"name": registration.full_name},
                )
            if "another" in request.POST:
                return redirect("conference:staff_entry", number=edition.number)
            return redirect("conference:registration_detail", pk=registration.pk)
    return render_edition(
        request,
        "conference/staff_entry.html",
        {
            "edition": edition,
            "form": form,
            "unit": unit,
            "is_organizer": is_organizer,
            "back_url": _back_url(edition, unit, is_organizer),
            "window": services.registration_window_message(edition),
        },
    )


def _report_rows(report) -> list[dict]:
    return [
        {"row": row, "field": column_label(field) if field else "", "message": message}
        for row, field, message in sorted(report.problems, key=lambda item: item[0])
    ]


@login_required
@require_http_methods(["GET", "POST"])
def delegation_import(request, number: int):
    """A whole delegation from a file: upload → preview (nothing written: each row's outcome,
    or every problem by row and column) → confirm (all rows written, or none)."""
    edition = edition_or_404(number)
    unit, is_organizer = _entry_scope(request, edition)
    form = DelegationImportForm(request.POST or None, request.FILES or None)
    report = None
    preview_token = ""
    stored = request.session.get(PREVIEW_KEY)
    if request.method == "POST" and request.POST.get("confirm"):
        if (
            not stored
            or stored.get("token") != request.POST["confirm"]
            or stored.get("edition") != edition.number
        ):
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect("conference:delegation_import", number=edition.number)
        del request.session[PREVIEW_KEY]
        rows = delegation_rows(stored["table"], edition=edition, default_unit=unit)
        report = services.registrations_import_by_staff(
            edition=edition,
            actor=request.user,
            rows=rows,
            join_waitlist=stored["join_waitlist"],
        )
        if report.written:
            messages.success(
                request,
                _(
                    "%(count)s delegates entered: %(confirmed)s confirmed, %(waiting)s on the "
                    "waiting list."
                )
                % {
                    "count": len(report.entered),
                    "confirmed": report.confirmed,
                    "waiting": report.waitlisted,
                },
            )
            return redirect(_back_url(edition, unit, is_organizer))
        form = DelegationImportForm()
    elif request.method == "POST" and form.is_valid():
        try:
            table = read_delegation_table(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            rows = delegation_rows(table, edition=edition, default_unit=unit)
            report = services.registrations_import_by_staff(
                edition=edition,
                actor=request.user,
                rows=rows,
                join_waitlist=form.cleaned_data["join_waitlist"],
                dry_run=True,
            )
            if not report.problems:
                preview_token = secrets.token_urlsafe(16)
                request.session[PREVIEW_KEY] = {
                    "token": preview_token,
                    "edition": edition.number,
                    "table": [[number, values] for number, values in table],
                    "join_waitlist": form.cleaned_data["join_waitlist"],
                }
    return render_edition(
        request,
        "conference/delegation_import.html",
        {
            "edition": edition,
            "form": form,
            "unit": unit,
            "is_organizer": is_organizer,
            "back_url": _back_url(edition, unit, is_organizer),
            "report": report,
            "problems": _report_rows(report) if report else [],
            "preview_token": preview_token,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        },
    )


@login_required
@require_GET
def delegation_import_template(request, number: int, fmt: str):
    """The delegation file's template: the header (Vietnamese / English) and a sample row."""
    edition = edition_or_404(number)
    _entry_scope(request, edition)
    if fmt == "xlsx":
        content = template_xlsx(edition)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        content = template_csv(edition)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="dai-bieu-delegation-{edition.number}.{fmt}"'
    )
    return response
