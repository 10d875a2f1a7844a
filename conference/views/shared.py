"""What the edition-scoped pages (registration, badges, check-in, exports) share: the edition
from the URL, rendering with the sample-data banner, the delegate's own registration (opened
through the emailed link, then kept in the session), the organizers' filters."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from conference.filters import RegistrationFilter
from conference.models import Edition, Registration
from conference.signing import ExpiredLink, InvalidLink, ReplacedLink


def edition_or_404(number: int) -> Edition:
    return get_object_or_404(Edition.objects.with_host(), number=number)


def render_edition(request, template: str, context: dict, *, status: int | None = None):
    """``render`` for a page about one edition (``context["edition"]``, else the registration's):
    a sample edition's page says so (``shows_demo``: the banner of base.html)."""
    edition = context.get("edition")
    if edition is None and context.get("registration") is not None:
        edition = context["registration"].edition
    context = {"shows_demo": bool(edition is not None and edition.is_demo), **context}
    return render(request, template, context, status=status)


# The registration a delegate opened through their emailed link, for this browser session:
# [registration id, edition id, link version] (conference.signing).
MANAGE_SESSION_KEY = "managed_registration"


def invalid_link(request, error: InvalidLink | None = None):
    """The page of a link that does not open a registration, saying why: altered or erased
    (400), replaced by a newer link after an organizer corrected the address (410), expired
    (410), or no link opened in this browser (403)."""
    registration = getattr(error, "registration", None)
    if isinstance(error, ReplacedLink):
        reason, status = "replaced", 410
    elif isinstance(error, ExpiredLink):
        reason, status = "expired", 410
    elif error is None:
        reason, status = "missing", 403
    else:
        reason, status = "invalid", 400
    edition = registration.edition if registration is not None else None
    return render(
        request,
        "conference/registration_link_invalid.html",
        {
            "reason": reason,
            "edition": edition,
            "expired_at": edition.links_expire_at() if edition is not None else None,
        },
        status=status,
    )


def remember_registration(request, registration: Registration) -> None:
    """Let this browser session manage ``registration`` (after its link was opened); a new
    session key, so a session id planted beforehand is worth nothing."""
    request.session.cycle_key()
    request.session[MANAGE_SESSION_KEY] = [
        registration.pk,
        registration.edition_id,
        registration.link_version,
    ]


def forget_registration(request) -> None:
    request.session.pop(MANAGE_SESSION_KEY, None)


def with_managed_registration(view):
    """The view of a delegate's own registration, opened through their emailed link in this
    session: ``view(request, registration)``, or the page saying why it cannot be opened (no
    link opened, erased, replaced by a newer link, expired)."""

    @functools.wraps(view)
    def wrapper(request, **kwargs):
        remembered = request.session.get(MANAGE_SESSION_KEY)
        if not (isinstance(remembered, list) and len(remembered) == 3):
            return invalid_link(request)
        pk, edition_id, version = remembered
        try:
            registration = Registration.objects.managed(
                pk=pk, edition_id=edition_id, version=version
            )
        except InvalidLink as error:
            forget_registration(request)
            return invalid_link(request, error)
        return view(request, registration, **kwargs)

    return wrapper


def edition_asked(request) -> Edition:
    """The edition of the organizers' pages: the one asked for (``?edition=``), else the next
    or current one."""
    number = request.GET.get("edition", "")
    edition = (number.isdigit() and Edition.objects.filter(number=number).first()) or (
        Edition.objects.next_or_current()
    )
    if edition is None:
        raise PermissionDenied(_("There is no edition yet."))
    return edition


def registration_filters(request, queryset) -> RegistrationFilter:
    """The organizers' filters of the registrations, the same for the list and the exports: the
    edition asked for, else the next or current one. ``filters.selected_edition()`` is the edition,
    ``filters.qs`` the registrations of ``queryset`` that match."""
    edition = edition_asked(request)
    return RegistrationFilter(request.GET or None, queryset=queryset, edition=edition)
