"""Phone numbers: stored in E.164 ("+84912345678", "+33123456789"), with an extension after
``;ext=`` as in RFC 3966 ("+842438251234;ext=12"); shown the national way for Vietnamese numbers
("0912 345 678", "024 3825 1234 máy lẻ 12") and the international way for the others
("+33 1 23 45 67 89").

Accepted input:

- Vietnamese numbers in local form: "0912345678", "0912 345 678", "091.234.5678",
  "+84 912 345 678", "84912345678"; landlines with their area code ("024 3825 1234",
  "0203 3825 123");
- numbers abroad, for guests from other countries: with their country code after "+" or "00"
  ("+33 1 23 45 67 89", "0033 1 23 45 67 89");
- an extension after the number: "ext. 12", "x12", "#12", "máy lẻ 12", "ml 12".

Numbers stored before extensions and foreign numbers were accepted are plain E.164: they are
read and shown as before (the stored form only grew a suffix).
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REGION = "VN"
EXTENSION_MARK = ";ext="
# The longest stored form: "+" and 15 digits (E.164), ";ext=" and an extension of up to 10.
MAX_STORED_LENGTH = 32
MAX_EXTENSION_DIGITS = 10

INVALID_MESSAGE = _(
    "Enter a phone number: a Vietnamese mobile of 10 digits such as 0912 345 678, a landline "
    "with its area code such as 024 3825 1234 (an extension may follow: “máy lẻ 12”), or a number "
    "abroad with its country code such as +33 1 23 45 67 89."
)

# "máy lẻ 12", "may le 12", "ML 12", "ml. 12": the Vietnamese ways of writing an extension, read
# as phonenumbers' own "ext. 12" (which also knows "ext", "x", "#").
_VIETNAMESE_EXTENSION = re.compile(r"(?:m[áa]y\s*l[ẻe]|\bml)\.?\s*:?\s*(?=\d)", re.IGNORECASE)


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    text = _VIETNAMESE_EXTENSION.sub(" ext. ", (value or "").strip())
    if not text:
        return None
    main = text.split("ext", 1)[0].split(";", 1)[0]
    digits = "".join(c for c in main if c.isdigit())
    # "84912345678" without the plus: read it as the country code, not a national number.
    if (
        not main.lstrip().startswith(("+", "0"))
        and digits.startswith("84")
        and len(digits)
        in (
            11,
            12,
        )
    ):
        text = f"+{text.lstrip()}"
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if number.extension and (
        not number.extension.isdigit() or len(number.extension) > MAX_EXTENSION_DIGITS
    ):
        return None
    return number


def normalize_phone(value: str) -> str:
    """The stored form: E.164, then ``;ext=`` and the extension if one was given;
    ValidationError when the text is not a phone number."""
    number = _parse(value)
    if number is None:
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.extension:
        stored += EXTENSION_MARK + number.extension
    return stored


def format_phone(value: str) -> str:
    """ "+84912345678" → "0912 345 678", "+842438251234;ext=12" → "024 3825 1234 máy lẻ 12"
    (in English "ext. 12"), "+33123456789" → "+33 1 23 45 67 89"; anything unparsable is
    returned as it is."""
    number = _parse(value)
    if number is None:
        return value or ""
    extension = number.extension
    number.extension = None
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 84
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    shown = phonenumbers.format_number(number, style)
    if extension:
        shown = gettext("%(number)s ext. %(extension)s") % {
            "number": shown,
            "extension": extension,
        }
    return shown


# How each kind of Vietnamese number is shown: "0{}{}{} {}{}{} {}{}{}" per first digits and length
# (see format_stored_phone); "" for numbers shown by format_phone each time.
_SHOWN_AS: dict[tuple[str, int], str] = {}
_DIGIT = re.compile(r"[0-9]")


def format_stored_phone(value: str) -> str:
    """:func:`format_phone` of a stored value ("+84912345678"), the same text, many times faster
    for lists and exports of thousands of rows. How phonenumbers shows a Vietnamese number, and
    whether it takes it as valid, depends on its first digits and its length only (its format
    rules look at up to 3 leading digits, its number ranges at a few more), so that is worked
    out through phonenumbers once per first 6 digits and length and reused; numbers from
    abroad, with an extension, or not stored by this site go through :func:`format_phone`."""
    if not value or not value.startswith("+84") or EXTENSION_MARK in value:
        return format_phone(value)
    national = value[3:]
    if not (national.isascii() and national.isdigit()):
        return format_phone(value)
    key = (national[:6], len(national))
    pattern = _SHOWN_AS.get(key)
    if pattern is None:
        shown = format_phone(value)
        same_digits = "".join(_DIGIT.findall(shown)) == "0" + national
        pattern = _DIGIT.sub("{}", shown) if same_digits and "{" not in shown else ""
        if len(_SHOWN_AS) > 10_000:  # a bound, never reached by real numbers
            _SHOWN_AS.clear()
        _SHOWN_AS[key] = pattern
    if not pattern:
        return format_phone(value)
    return pattern.format("0", *national)


def search_digits(value: str) -> str:
    """The digits a search finds the number by: the national form of a Vietnamese number
    ("0912345678"), the country code and number of another ("33123456789"); without the
    extension."""
    main = (value or "").split(EXTENSION_MARK, 1)[0]
    digits = "".join(c for c in main if c.isdigit())
    if main.startswith("+84") or (not main.startswith("+") and digits.startswith("84")):
        return f"0{digits[2:]}"
    return digits
