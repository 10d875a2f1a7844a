"""How units are named on pages: as they were then, and what became of them."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext


def with_kind(unit) -> str:
    """ "tỉnh Tuyên Quang" / "thành phố Hà Nội" in Vietnamese; the plain name in English."""
    if unit.kind == "city":
        return pgettext("city name with its kind", "%(name)s") % {"name": unit.name}
    return pgettext("province name with its kind", "%(name)s") % {"name": unit.name}


def unit_label_then(unit) -> str:
    """The unit's name as it was, with what it is part of now when it was merged into another:
    "Hà Giang (nay thuộc tỉnh Tuyên Quang)" / "Hà Giang (now part of Tuyên Quang)"."""
    successor = unit.successor
    if successor is None or successor.name == unit.name:
        return unit.name
    return gettext("%(name)s (now part of %(successor)s)") % {
        "name": unit.name,
        "successor": with_kind(successor),
    }


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def unit_fate(unit) -> str:
    """One sentence on a unit that no longer exists: what it became part of, and from which date
    (the day the new provincial government started). Empty for a unit that still exists, such as
    the ten units the 2025 reorganisation left unchanged."""
    if unit.valid_until is None:
        return ""
    successor = unit.successor
    if successor is None:
        return gettext("Existed until %(date)s.") % {"date": _day(unit.valid_until)}
    start = _day(successor.valid_from) if successor.valid_from else _day(unit.valid_until)
    if successor.name == unit.name:
        others = [p.name for p in successor.predecessors.all() if p.pk != unit.pk]
        if others:
            return gettext(
                "Merged with %(others)s into the new %(successor)s; the new provincial "
                "government has run since %(date)s."
            ) % {"others": ", ".join(others), "successor": with_kind(successor), "date": start}
    return gettext(
        "Became part of %(successor)s; the new provincial government has run since %(date)s."
    ) % {"successor": with_kind(successor), "date": start}


def reorganisation_note(reorganisation) -> str:
    """Which date means what: "Nghị quyết … adopted and in force on 12/06/2025; the new provincial
    governments run from 01/07/2025." """
    if reorganisation is None:
        return ""
    return gettext(
        "%(resolution)s was adopted and took effect on %(decided)s; the new provincial "
        "governments run from %(start)s."
    ) % {
        "resolution": reorganisation.resolution or reorganisation.localized_name,
        "decided": _day(reorganisation.decided_on),
        "start": _day(reorganisation.governments_from),
    }


def unit_origin(unit, predecessors) -> str:
    """One sentence on a unit a reorganisation formed: from which units, and since when."""
    merged = [p for p in predecessors if p.valid_until is not None]
    if not merged or unit.valid_from is None:
        return ""
    return gettext("Formed on %(date)s by merging %(units)s.") % {
        "date": _day(unit.valid_from),
        "units": ", ".join(p.name for p in merged),
    }
