"""How a delegate's name is set on the badge, and whether the badge would cut it short: a leaf
helper (no models), so that a registration can flag its own name when it is saved
(``Registration.badge_name_cut``) and the badge index lists the flagged ones without measuring
every name of the edition on each visit (``conference.badges`` sets the badges themselves).
"""

from __future__ import annotations

import contextlib
import functools
import unicodedata
from pathlib import Path

from django.core.cache import cache

# Text longer than these (in characters) is set smaller on the badge: (long, longer). The badge's
# text column is 59.5 mm wide; a name in 17 pt takes about 16 characters a line, in 13.5 pt about
# 20, in 11 pt about 25; an organisation in 9 pt about 31, in 8 pt 35, in 7 pt 40. Each field is
# also clamped to a few lines with an ellipsis, so the worst case never runs into the QR code or
# the province band.
NAME_LIMITS = (20, 32)


def text_size(text: str, limits: tuple[int, int]) -> str:
    """The CSS class of a badge field for text of this length: "", "long" or "longer"."""
    long, longer = limits
    length = len(text or "")
    if length > longer:
        return "longer"
    if length > long:
        return "long"
    return ""


# How the badge template sets the name (badge_pdf.html: ``.name``, ``.name.long``,
# ``.name.longer``): DejaVu Sans Bold at these sizes, in a column 59.5 mm wide (the badge's 95 mm
# less 3.5 mm on the left and 32 mm for the QR code on the right), clamped to two lines; a word
# longer than the column breaks anywhere. A name that needs more lines is cut with "…".
NAME_POINTS = {"": 17.0, "long": 13.5, "longer": 11.0}
NAME_LINES = 2
NAME_COLUMN_POINTS = 59.5 / 25.4 * 72
NAME_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)
# Without the font file: the average advance of a bold DejaVu Sans letter, in ems.
AVERAGE_ADVANCE = 0.69


@functools.cache
def _name_font_advances() -> tuple[dict[int, float], float] | None:
    """The advance of each character of DejaVu Sans Bold in ems; None when the font is not
    installed. Read once per process: from the shared cache when another process has read the
    font already (fontTools' import and the font's tables cost a few hundred ms, which the first
    registration saved in each server process would pay), else with fontTools (a dependency of
    WeasyPrint), keeping the table there for the next process."""
    for candidate in NAME_FONT_FILES:
        path = Path(candidate)
        if not path.exists():
            continue
        stat = path.stat()
        key = f"badge-name-font:{candidate}:{stat.st_size}:{stat.st_mtime_ns}"
        try:
            advances = cache.get(key)
        except Exception:  # the cache is down: read the font
            advances = None
        if advances is None:
            advances = _read_advances(candidate)
            with contextlib.suppress(Exception):
                cache.set(key, advances, timeout=None)
        return advances, advances.get(ord("n"), AVERAGE_ADVANCE)
    return None


def _read_advances(candidate: str) -> dict[int, float]:
    from fontTools.ttLib import TTFont

    with TTFont(candidate) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}


def _text_width(text: str, points: float) -> float:
    font = _name_font_advances()
    if font is None:
        return len(text) * AVERAGE_ADVANCE * points
    advances, fallback = font
    width = 0.0
    for char in text:
        advance = advances.get(ord(char))
        if advance is None:  # a letter with its marks not precomposed in the font: its base
            advance = advances.get(ord(unicodedata.normalize("NFD", char)[0]), fallback)
        width += advance
    return width * points


def name_lines(full_name: str) -> int:
    """How many lines the badge template needs for this name at the size it picks for it."""
    points = NAME_POINTS[text_size(full_name, NAME_LIMITS)]
    column = NAME_COLUMN_POINTS
    space = _text_width(" ", points)
    lines, used = 0, None
    for word in unicodedata.normalize("NFC", full_name).split():
        width = _text_width(word, points)
        if used is not None and used + space + width <= column:
            used += space + width
            continue
        # A new line; a word wider than the column breaks anywhere over several.
        lines += 1
        while width > column:
            lines += 1
            width -= column
        used = width
    return lines


@functools.lru_cache(maxsize=65536)
def name_is_cut(full_name: str) -> bool:
    """Whether the badge would cut this name short ("…"): flagged before printing, so that
    the organizers correct it (a shorter form) or write the badge by hand. Remembered per name
    (the font does not change while the process runs)."""
    return name_lines(full_name) > NAME_LINES
