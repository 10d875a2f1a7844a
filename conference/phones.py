"""Vietnamese phone numbers: stored in E.164 ("+84912345678"), shown the national way
("0912 345 678", "024 3825 1234").

Accepted input: "0912345678", "0912 345 678", "091.234.5678", "+84 912 345 678", "84912345678";
landlines with their area code ("024 3825 1234", "0203 3825 123").
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "VN"

INVALID_MESSAGE = _(
    "Enter a Vietnamese phone number: a mobile of 10 digits such as 0912 345 678, or a landline "
    "with its area code such as 024 3825 1234."
)


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    text = (value or "").strip()
    if not text:
        return None
    digits = "".join(c for c in text if c.isdigit())
    # "84912345678" without the plus: read it as the country code, not a national number.
    if not text.startswith("+") and digits.startswith("84") and len(digits) in (11, 12):
        text = f"+{digits}"
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return number


def normalize_phone(value: str) -> str:
    """The E.164 form of a Vietnamese number; ValidationError when it is not one."""
    number = _parse(value)
    if number is None or number.country_code != 84:
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """ "+84912345678" → "0912 345 678"; anything unparsable is returned as it is."""
    number = _parse(value)
    if number is None:
        return value or ""
    if number.country_code != 84:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
