"""The back office of the people who run the event: the page of one registration with its
history and emails, and an organizer's reversal of a decision. Thin: permission → form →
service → redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from conference.forms.registrations import (
    DecisionForm,
    RegistrationCorrectionForm,
    ReverseDecisionForm,
    validation_error_to_form,
)
from conference.models import AuditEntry, Notification, ProgrammePart, Registration
from conference.outbox import kind_label
from conference.permissions import can, require
from conference.services import registrations as services
from conference.views.registrations import apply_decision
from conference.views.shared import render_edition


def _registration_or_404(pk: int) -> Registration:
    # The parts of one edition in their order (their default order joins the edition).
    parts = Prefetch("parts", queryset=ProgrammePart.objects.order_by("order", "id"))
    return get_object_or_404(
        Registration.objects.select_related("edition", "unit").prefetch_related(parts), pk=pk
    )


# What the page shows of an email: not its bodies nor their context (kilobytes each).
EMAIL_FIELDS = ("id", "created_at", "kind", "subject", "recipient", "status", "last_error")


def _history(registration: Registration) -> tuple[list[AuditEntry], list[Notification]]:
    """The audit entries and the emails about one registration, newest first. Who acted is
    written from the entry's own label (``actor_display``): the account is not read."""
    content_type = ContentType.objects.get_for_model(Registration)
    about = {"content_type": content_type, "object_id": str(registration.pk)}
    entries = list(AuditEntry.objects.filter(**about))
    emails = list(
        Notification.objects.filter(**about).only(*EMAIL_FIELDS).order_by("-created_at", "-id")
    )
    for email in emails:
        email.kind_display = kind_label(email.kind)
    return entries, emails


def _back(request, registration: Registration):
    """Where a form of the detail page or of a list row returns: the page it was sent from."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("conference:registration_detail", pk=registration.pk)


@login_required
@require_http_methods(["GET", "POST"])
def registration_detail(request, pk: int):
    """Everything about one delegate: their details, their history (the audit log), the emails
    sent to them with their delivery state, and what may be done now. Organizers, and the
    liaison of the registration's province."""
    registration = _registration_or_404(pk)
    require(request.user, "delegation.view", registration)
    if request.method == "POST":
        # Confirm or decline (the same services as the delegation page).
        require(request.user, "delegation.manage", registration)
        form = DecisionForm(request.POST, queryset=Registration.objects.filter(pk=registration.pk))
        if form.is_valid():
            apply_decision(request, form)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("conference:registration_detail", pk=registration.pk)
    entries, emails = _history(registration)
    organizer = can(request.user, "edition.manage")
    return render_edition(
        request,
        "conference/registration_detail.html",
        {
            "registration": registration,
            "edition": registration.edition,
            "entries": entries,
            "emails": emails,
            "can_decide": registration.status == Registration.Status.PENDING
            and can(request.user, "delegation.manage", registration),
            "reversals": services.reversals_allowed(registration) if organizer else [],
            "can_reverse": organizer,
            "can_correct": organizer and registration.status in Registration.EDITABLE_STATES,
            "is_organizer": organizer,
            "decline_reason": services.decline_reason(registration),
        },
    )


@login_required
@require_POST
def registration_reverse(request, pk: int):
    """An organizer takes back a confirmation or a decline, with a reason for the delegate."""
    registration = _registration_or_404(pk)
    require(request.user, "edition.manage")
    form = ReverseDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, registration)
    try:
        services.registration_reverse_decision(
            registration=registration,
            actor=request.user,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        registration.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("%(name)s: the decision is reversed; the registration is now “%(status)s”.")
            % {"name": registration.full_name, "status": registration.get_status_display()},
        )
    return _back(request, registration)


@login_required
@require_http_methods(["GET", "POST"])
def registration_correct(request, pk: int):
    """An organizer corrects a delegate's email, province, kind of organisation, programme parts
    or any other detail; the quota is re-checked and a new address gets the link."""
    registration = _registration_or_404(pk)
    require(request.user, "edition.manage")
    form = RegistrationCorrectionForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_correct(
                registration=registration,
                actor=request.user,
                data=form.service_data(),
                parts=form.cleaned_data.get("parts") if "parts" in form.fields else None,
            )
        except ValidationError as error:
            validation_error_to_form(form, error)
        else:
            messages.success(request, _("The registration is corrected."))
            return redirect("conference:registration_detail", pk=registration.pk)
    return render_edition(
        request,
        "conference/registration_correct.html",
        {"registration": registration, "edition": registration.edition, "form": form},
    )
