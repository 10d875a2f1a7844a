"""The workspaces: where each role lands after logging in, and the organizers' edition
dashboard (registrations by state and by province against the quotas, what waits for a decision,
emails failing, deadlines coming). Reads only; the actions are on the pages it links to."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone

from conference import seat_counts
from conference.models import Notification, Registration
from conference.permissions import can, department_of, require
from conference.querysets import set_seat_counts
from conference.services import registrations as services
from conference.views.shared import edition_asked_facts, render_edition

Status = Registration.Status
PENDING_SHOWN = 10
FAILED_SHOWN = 5


@login_required
def workspace(request):
    """After login: organizers to their dashboard, liaisons to their delegation, the check-in
    staff to the desk, everyone else home."""
    user = request.user
    if can(user, "edition.manage"):
        return redirect("conference:dashboard")
    if department_of(user) is not None:
        return redirect("conference:delegation_current")
    if can(user, "checkin.perform"):
        return redirect("conference:checkin_current")
    return redirect("conference:home")


def _deadlines(edition, today: datetime.date) -> list[dict]:
    """The edition's dates still ahead, soonest first, with the days left."""
    moments = [
        ("registration_opens", edition.registration_opens_at),
        ("registration_closes", edition.registration_closes_at),
        ("changes_until", edition.changes_until),
        ("starts", edition.starts_at()),
    ]
    ahead = []
    for code, moment in moments:
        if moment is None or timezone.localdate(moment) < today:
            continue
        ahead.append(
            {"code": code, "at": moment, "days": (timezone.localdate(moment) - today).days}
        )
    return sorted(ahead, key=lambda item: item["at"])


@login_required
def dashboard(request):
    require(request.user, "edition.manage")
    facts = edition_asked_facts(request, participants=True)
    edition = facts.edition
    registrations = Registration.objects.for_edition(edition)
    # One grouped count by province and state serves the figures, the states and the provinces
    # (none while nothing changed: conference.seat_counts).
    counts = seat_counts.edition_counts(edition.pk)
    by_state = [
        {"status": status, "label": label, "count": seat_counts.total(counts, [status])}
        for status, label in Status.choices
    ]
    per_unit = facts.participants  # kept with the edition (views.shared.edition_facts)
    set_seat_counts(per_unit)
    for participant in per_unit:
        # The bar turns amber past half the quota and red past nine tenths (<meter> regions).
        if participant.quota:
            participant.meter_low = participant.quota * 0.5
            participant.meter_high = participant.quota * 0.9
    pending = registrations.filter(status=Status.PENDING).select_related("unit")
    failed = Notification.objects.failed().filter(edition=edition)
    failed_shown = list(failed.order_by("-created_at", "-id")[:FAILED_SHOWN])
    # Counted only when the list is full (usually nothing fails: no COUNT).
    failed_count = failed.count() if len(failed_shown) == FAILED_SHOWN else len(failed_shown)
    return render_edition(
        request,
        "conference/dashboard.html",
        {
            "edition": edition,
            "by_state": by_state,
            "total": seat_counts.total(counts),
            "seats": services.seats_summary(edition),
            "per_unit": per_unit,
            "pending_count": seat_counts.total(counts, [Status.PENDING]),
            "pending": list(pending.order_by("created_at", "id")[:PENDING_SHOWN]),
            "failed_count": failed_count,
            "failed": failed_shown,
            "deadlines": _deadlines(edition, timezone.localdate()),
            # The rule first: it reads the roles already known, has_perm loads every permission.
            "can_read_log": can(request.user, "notification.manage")
            or request.user.has_perm("conference.view_notification"),
        },
    )
