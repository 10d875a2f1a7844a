"""The public pages of the conference: home, the editions timeline and each edition's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from conference.models import Edition
from conference.public_cache import public_page
from conference.vietnamese import roman


def _missing_ordinals(editions: list[Edition]) -> list[str]:
    """The ordinals before the latest known edition of which no record is kept."""
    known = {e.number for e in editions}
    return [roman(n) for n in range(1, max(known, default=0)) if n not in known]


def default_language_redirect(request, path: str = ""):
    """``/vi/…`` → ``/…``, permanently: Vietnamese is the default language and lives without a
    prefix. Leading slashes are dropped so that ``/vi//example.com`` cannot leave the site."""
    target = "/" + path.lstrip("/")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon (a
    temporary redirect, as the static file's hashed name changes with each release)."""
    return redirect(static("conference/favicon.svg"))


@public_page
def home(request):
    edition = Edition.objects.next_or_current()
    chain = list(Edition.objects.real().timeline())
    return render(
        request,
        "conference/home.html",
        {
            "edition": edition,
            "chain": chain,
            "missing": _missing_ordinals(chain),
            "registration_open": bool(edition and edition.registration_is_open()),
            "shows_demo": bool(edition and edition.is_demo),
        },
    )


@public_page
def edition_list(request):
    editions = list(Edition.objects.timeline().with_chairs())
    return render(
        request,
        "conference/edition_list.html",
        {"editions": editions, "shows_demo": any(e.is_demo for e in editions)},
    )


@public_page
def edition_detail(request, number: int):
    edition = Edition.objects.with_programme().filter(number=number).first()
    if edition is None:
        raise Http404(_("There is no edition with this number."))
    participants = list(edition.participants.all())
    agenda = list(edition.agenda_items.all())
    return render(
        request,
        "conference/edition_detail.html",
        {
            "edition": edition,
            "participants": participants,
            "chairs": list(edition.chairs.all()),
            "agenda": agenda,
            "agenda_has_times": any(item.starts_at for item in agenda),
            "shows_demo": edition.is_demo,
        },
    )


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), saying so on the page it redirects to."""

    def post(self, request, *args, **kwargs):
        was_logged_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_logged_in:
            messages.info(request, _("You have been logged out."))
        return response


def _current_edition_or_404() -> Edition:
    edition = Edition.objects.next_or_current()
    if edition is None:
        raise Http404(_("No edition has been recorded yet."))
    return edition


@login_required
def delegation_current(request):
    """The navigation's "My delegation": the liaison's page for the next (or latest) edition."""
    return redirect("conference:delegation", number=_current_edition_or_404().number)


@login_required
def checkin_current(request):
    """The navigation's "Check-in": the desk of the next (or latest) edition."""
    return redirect("conference:checkin", number=_current_edition_or_404().number)
