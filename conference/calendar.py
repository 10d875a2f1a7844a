"""An edition as an iCalendar event (RFC 5545): the one writer of the site's .ics files, used by
the public "add to calendar" link (``views.editions.edition_ics``) and by the file attached to a
delegate's confirmation email (``notifications.registrations``). Imports no models: it is given
the edition."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from conference import dates


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets (RFC 5545), continued with a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _utc(moment: datetime.datetime) -> str:
    return f"{moment.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"


def edition_ics(edition, *, url: str, uid_host: str, description: str = "", now=None) -> str:
    """The edition as one VEVENT, in the active language. With a start time the event has its
    hours (``Edition.begins_at``/``ends_at``); without, it takes whole days. ``description``
    is added to the event's text (e.g. the delegate's badge code)."""
    last = edition.end_date or edition.date
    begins = edition.begins_at()
    if begins is not None:
        when = [f"DTSTART:{_utc(begins)}", f"DTEND:{_utc(edition.ends_at())}"]
    else:
        when = [
            f"DTSTART;VALUE=DATE:{edition.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{last + datetime.timedelta(days=1):%Y%m%d}",
        ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hoi nghi nganh Cong Thuong phia Bac//editions//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:edition-{edition.number}@{uid_host}",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        *when,
        f"SUMMARY:{_text(edition.title)}",
        f"URL:{url}",
    ]
    place = edition.place_label()
    if place:
        lines.append(f"LOCATION:{_text(place)}")
    texts = [description] if description else []
    if edition.is_demo:
        texts.append(_("Sample data: not a real conference."))
    if texts:
        lines.append(f"DESCRIPTION:{_text(chr(10).join(texts))}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def ics_filename(edition) -> str:
    return f"hoi-nghi-{edition.number}.ics"


def day_details(edition) -> dict[str, str]:
    """What a delegate needs on the day, as text in the active language: ``when`` ("08:00,
    17/10/2025", or the dates alone without a start time), ``venue``, ``address`` and ``unit``
    (the province or city it is held in, when the address does not name it). The confirmation
    email and the manage page show it."""
    when = ""
    if edition.date is not None:
        days = dates.date_range(edition.date, edition.end_date)
        begins = edition.begins_at()
        when = (
            _("%(time)s, %(dates)s") % {"time": dates.time_of_day(begins), "dates": days}
            if begins is not None
            else days
        )
    unit = edition.held_in or edition.host
    unit_name = unit.name if unit is not None else ""
    if unit_name and any(unit_name in text for text in (edition.venue, edition.venue_address)):
        unit_name = ""  # the address names it already
    return {
        "when": when,
        "venue": edition.venue,
        "address": edition.venue_address,
        "unit": unit_name,
    }
