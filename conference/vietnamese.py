"""Vietnamese text rules, used everywhere: accent folding, sort keys, names, roman numerals.

- ``fold("Sở Công Thương Điện Biên") == "so cong thuong dien bien"``: lower case, tone and letter
  marks removed, đ/Đ mapped to d (Unicode decomposition does not do that), white space collapsed.
  "Hoà" and "Hòa" fold to the same "hoa".
- ``sort_key(s)`` orders text as a Vietnamese reader expects: ă â đ ê ô ơ ư are letters of their
  own (Đ after D, so "Điện Biên" before "Hà Giang"), tones only break ties (a à ả ã á ạ). The key
  is a string of digits, so it sorts the same under any database collation and can be stored in a
  column and used in ``ORDER BY``.
"""

from __future__ import annotations

import re
import unicodedata

# Combining marks that make a letter of its own, and the tone marks (CLDR order: ngang, huyền,
# hỏi, ngã, sắc, nặng).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
# Primary weights are two digits from 10 up, so a shorter key that is a prefix of a longer one sorts
# first and the "0" separator before the tone part sorts below every primary weight.
_WEIGHTS: dict[str, str] = {" ": "10"}
_WEIGHTS.update({str(d): f"{11 + d:02d}" for d in range(10)})
_WEIGHTS.update({letter: f"{21 + i:02d}" for i, letter in enumerate(_ALPHABET)})
_OTHER = "99"
_SPACES = re.compile(r"\s+")


def _letters(text: str) -> list[tuple[str, int]]:
    """Split text into (Vietnamese letter, tone) pairs, lower-cased."""
    result: list[tuple[str, int]] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(char):
            if not result:
                continue
            base, tone = result[-1]
            if char in _TONES:
                result[-1] = (base, _TONES[char])
            elif char in (_BREVE, _CIRCUMFLEX, _HORN):
                result[-1] = (unicodedata.normalize("NFC", base + char), tone)
            continue
        result.append((char, 0))
    return result


def normalize_spaces(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def fold(text: str | None) -> str:
    """Accent-insensitive, case-insensitive form of ``text`` for searching."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return normalize_spaces(stripped.lower())


def sort_key(text: str | None) -> str:
    """A string of digits that sorts ``text`` in Vietnamese alphabetical order."""
    letters = _letters(normalize_spaces(text or ""))
    primary = "".join(_WEIGHTS.get(letter, _OTHER) for letter, _ in letters)
    tones = "".join(str(tone) for _, tone in letters)
    return f"{primary}0{tones}"


def given_name(full_name: str) -> str:
    """The given name: the last word of a Vietnamese full name ("Nguyễn Thị Hiền" → "Hiền")."""
    parts = normalize_spaces(full_name).split(" ")
    return parts[-1] if parts else ""


def person_sort_key(full_name: str) -> str:
    """People lists sort by given name, then by the full name."""
    return f"{sort_key(given_name(full_name))}{sort_key(full_name)}"


_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip


def roman(number: int) -> str:
    """Roman numeral of a positive integer: the editions' ordinals ("lần thứ X")."""
    if number < 1:
        raise ValueError("Roman numerals start at 1")
    out = []
    for value, symbol in _ROMAN:
        count, number = divmod(number, value)
        out.append(symbol * count)
    return "".join(out)
