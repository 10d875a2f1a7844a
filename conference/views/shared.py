"""What the edition-scoped pages (registration, badges, check-in, exports) share: the edition
from the URL, rendering with the sample-data banner, the delegate's own registration (opened
through the emailed link, then kept in the session), the organizers' filters."""

from __future__ import annotations

import dataclasses
import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from conference import public_cache
from conference.filters import RegistrationFilter
from conference.models import Edition, EditionParticipant, Registration
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


@dataclasses.dataclass
class EditionFacts:
    """What the organizers' pages of an edition read on every request: the edition, its
    participating units in the page's order (with their unit and quota; the seat counts are
    set by the page: ``querysets.set_seat_counts``) and, for the edition select, every
    edition (number and year only) newest first. None: not read (not asked for)."""

    edition: Edition
    participants: list[EditionParticipant] | None
    editions: list[Edition] | None


def participants_of(edition: Edition) -> list[EditionParticipant]:
    """The edition's participating units with their unit, in the pages' order."""
    return list(
        EditionParticipant.objects.filter(edition=edition)
        .select_related("unit")
        .order_by("unit__sort_key")
    )


def _read_facts(number: int | None, *, participants: bool, editions: bool) -> EditionFacts | None:
    if number is None:
        edition = Edition.objects.next_or_current(with_host=False)
    else:
        edition = Edition.objects.filter(number=number).first()
    if edition is None:
        return None
    return EditionFacts(
        edition=edition,
        participants=participants_of(edition) if participants else None,
        editions=list(Edition.objects.order_by("-number").only("pk", "number", "year"))
        if editions
        else None,
    )


def edition_facts(
    number: int | None, *, participants: bool = False, editions: bool = False
) -> EditionFacts | None:
    """The :class:`EditionFacts` of edition ``number`` (None: the next or current one; None if
    there is no such edition), with the ``participants`` and ``editions`` when asked. Kept with
    the public pages (``conference.public_cache``: its version moves once a transaction that
    saved or deleted an edition, a participant, a quota or a province commits), all read in one
    round trip to the cache instead of three queries: only with a shared cache (a cache of each
    process would not hear of the other processes' changes) and while the public pages are
    cached; else read from the database. Which edition is "next or current" depends on the day
    too: kept for the public pages' lifetime (``PUBLIC_CACHE_SECONDS``), as their "next
    edition" is."""
    if not (getattr(settings, "SHARED_CACHE", False) and public_cache.lifetime() > 0):
        return _read_facts(number, participants=participants, editions=editions)
    return public_cache.remember(
        f"edition-facts:{'current' if number is None else number}",
        lambda: _read_facts(number, participants=True, editions=True),
    )


def edition_asked_facts(
    request, *, participants: bool = False, editions: bool = False
) -> EditionFacts:
    """The :class:`EditionFacts` of the edition of the organizers' pages: the one asked for
    (``?edition=``), else the next or current one. A request that changes something (POST)
    reads them from the database."""
    number = request.GET.get("edition", "")
    read = edition_facts if request.method == "GET" else _read_facts
    asked = {"participants": participants, "editions": editions}
    facts = (number.isdigit() and read(int(number), **asked)) or read(None, **asked)
    if facts is None:
        raise PermissionDenied(_("There is no edition yet."))
    return facts


def edition_asked(request) -> Edition:
    """The edition of the organizers' pages (see :func:`edition_asked_facts`)."""
    return edition_asked_facts(request).edition


def registration_filters(request, queryset, facts: EditionFacts | None = None):
    """The organizers' filters of the registrations, the same for the list and the exports: the
    edition asked for, else the next or current one (``facts``: its :class:`EditionFacts`, read
    already). ``filters.selected_edition()`` is the edition, ``filters.qs`` the registrations of
    ``queryset`` that match."""
    if facts is None:
        facts = edition_asked_facts(request)
    filters = RegistrationFilter(request.GET or None, queryset=queryset, edition=facts.edition)
    if facts.editions is not None:
        filters.offer_editions(facts.editions)
    return filters
