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


def unit_fate(unit) -> str:
    """One sentence on a unit that no longer exists: its successor and the date."""
    if unit.valid_until is None:
        return ""
    until = date_format(unit.valid_until, "SHORT_DATE_FORMAT")
    if unit.successor is None:
        return gettext("Existed until %(date)s.") % {"date": until}
    if unit.successor.name == unit.name:
        return gettext("Continued from %(date)s as the reorganised %(successor)s.") % {
            "date": date_format(unit.successor.valid_from, "SHORT_DATE_FORMAT"),
            "successor": with_kind(unit.successor),
        }
    return gettext("Merged into %(successor)s from %(date)s.") % {
        "successor": with_kind(unit.successor),
        "date": date_format(unit.successor.valid_from, "SHORT_DATE_FORMAT"),
    }
