"""What the edition-scoped pages (registration, badges, check-in, exports) share: the edition
from the URL, rendering with the sample-data banner, the self-service link, the organizers'
filters."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from conference.filters import RegistrationFilter
from conference.models import Edition, Registration
from conference.signing import InvalidLink


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


def invalid_link(request):
    return render(request, "conference/registration_link_invalid.html", status=400)


def with_registration_link(view):
    """The view of a delegate's signed link: ``view(request, registration, token)``, or the
    "invalid link" page (400) for a tampered, expired or erased link."""

    @functools.wraps(view)
    def wrapper(request, token: str, **kwargs):
        try:
            registration = Registration.objects.from_manage_token(token)
        except InvalidLink:
            return invalid_link(request)
        return view(request, registration, token, **kwargs)

    return wrapper


def registration_filters(request, queryset) -> RegistrationFilter:
    """The organizers' filters of the registrations, the same for the list and the exports: the
    edition asked for, else the next or current one. ``filters.selected_edition()`` is the edition,
    ``filters.qs`` the registrations of ``queryset`` that match."""
    number = request.GET.get("edition", "")
    default = (number.isdigit() and Edition.objects.filter(number=number).first()) or (
        Edition.objects.next_or_current()
    )
    if default is None:
        raise PermissionDenied(_("There is no edition yet."))
    return RegistrationFilter(request.GET or None, queryset=queryset, edition=default)
