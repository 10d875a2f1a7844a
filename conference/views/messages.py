"""Messages to delegates: the organizers' list of messages sent, the page that writes one (filters →
text → preview in both languages → send) and each message's delivery report. Thin: permission →
form → service (``conference.services.messages``) → redirect with a message."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conference.filters import RegistrationFilter
from conference.forms.messages import MessageForm
from conference.forms.registrations import validation_error_to_form
from conference.models import DelegateMessage, Edition, Registration
from conference.permissions import require
from conference.services import messages as services
from conference.views.shared import render_edition

# The filters a message keeps (the registrations' list filters, search included).
CRITERIA = ("edition", "unit", "status", "organisation_kind", "q")


def _filters(request):
    """The registrations' filters from the query string; confirmed delegates unless a status
    (or "All", an empty status) was chosen."""
    data = request.GET.copy()
    data.setdefault("status", Registration.Status.CONFIRMED)
    number = data.get("edition", "")
    default = (number.isdigit() and Edition.objects.filter(number=number).first()) or (
        Edition.objects.next_or_current()
    )
    if default is None:
        raise PermissionDenied(_("There is no edition yet."))
    return RegistrationFilter(data, queryset=Registration.objects.all(), edition=default)


def _criteria(filters) -> tuple[dict[str, str], str]:
    """The filters' values (to keep with the message) and how a person reads them."""
    form = filters.form
    values: dict[str, str] = {}
    labels: list[str] = [str(filters.selected_edition())]
    cleaned = form.cleaned_data if form.is_valid() else {}
    for name in CRITERIA:
        value = cleaned.get(name)
        if name == "edition" or value in (None, ""):
            continue
        field = form.fields[name]
        if name == "unit":
            values[name], shown = str(value.pk), value.name
        elif name == "q":
            values[name], shown = value, f"“{value}”"
        else:
            values[name], shown = value, str(dict(field.choices).get(value, value))
        labels.append(f"{field.label}: {shown}")
    values["edition"] = str(filters.selected_edition().number)
    return values, " · ".join(labels)


@login_required
def message_list(request):
    """The messages sent, newest first, each with its delivery counts (one query)."""
    require(request.user, "message.send")
    sent = Q(recipients__notification__status="sent")
    failed = Q(recipients__notification__status="failed")
    rows = (
        DelegateMessage.objects.select_related("edition", "author")
        .annotate(
            total=Count("recipients"),
            sent=Count("recipients", filter=sent),
            failed=Count("recipients", filter=failed),
            no_address=Count("recipients", filter=Q(recipients__notification__isnull=True)),
        )
        .order_by("-created_at", "-id")[:200]
    )
    return render_edition(request, "conference/message_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def message_compose(request):
    """Filters (GET) → subject and message → preview (POST ``preview``) → send (POST ``send``).
    The preview page carries the texts as hidden fields with the form's submission key, so a
    second "send" of the same form returns the message already sent."""
    require(request.user, "message.send")
    filters = _filters(request)
    edition = filters.selected_edition()
    recipients = services.message_registrations(filters.qs)
    without = sum(1 for r in recipients if not services.has_address(r))
    action = request.POST.get("action", "")
    form = MessageForm(request.POST or None)
    context = {
        "edition": edition,
        "filters": filters.form,
        "form": form,
        "recipients": recipients,
        "recipient_count": len(recipients),
        "without_address": without,
        "query": request.GET.urlencode(),
    }
    if request.method == "POST" and form.is_valid() and action in ("preview", "send"):
        if not recipients:
            form.add_error(
                None, _("No delegate matches these filters: nobody would receive the message.")
            )
        elif action == "send":
            criteria, label = _criteria(filters)
            try:
                message, created = services.message_send(
                    edition=edition,
                    registrations=recipients,
                    texts=form.texts(),
                    key=form.cleaned_data["key"],
                    actor=request.user,
                    criteria=criteria,
                    criteria_label=label,
                )
            except ValidationError as error:
                validation_error_to_form(form, error)
            else:
                if created:
                    flash.success(request, _("The message is on its way to the delegates."))
                else:
                    flash.info(request, _("This message was sent already; nothing was sent twice."))
                return redirect("conference:message_detail", pk=message.pk)
        else:
            context["previews"] = services.message_preview(
                edition=edition, registrations=recipients, texts=form.texts()
            )
            return render_edition(request, "conference/message_preview.html", context)
    return render_edition(request, "conference/message_form.html", context)


@login_required
def message_detail(request, pk: int):
    """The delivery report: counts at the top, then each delegate with the state of their email."""
    require(request.user, "message.send")
    message = get_object_or_404(DelegateMessage.objects.select_related("edition", "author"), pk=pk)
    rows, counts = services.message_report(message)
    return render_edition(
        request,
        "conference/message_detail.html",
        {
            "message": message,
            "edition": message.edition,
            "rows": rows,
            "counts": counts,
            "labels": services.STATE_LABELS,
            "criteria": services.criteria_text(message.criteria) or message.criteria_label,
            "compose_url": reverse("conference:message_compose")
            + f"?edition={message.edition.number}",
        },
    )
