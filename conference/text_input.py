"""What every form of the site does to the text people type, in one place.

``CleanInputMixin`` (on every form: ours, the accounts' and the admin's) cleans each submitted
text value before the fields see it:

- Unicode NFC, so "Nguyễn" typed with combining accents (NFD) is stored as one spelling;
- control characters removed (``\\x00``–``\\x1f``, ``\\x7f``–``\\x9f``): a bell or a NUL in a name
  breaks exports and PostgreSQL refuses NUL; a single-line field turns tabs and line breaks into
  spaces, a multi-line field keeps them (as ``\\n``);
- email addresses normalised (``normalize_email``: NFKC, IDNA domain, lower case), so
  "Ａn@Ｅxample.vn", "an@xn--…" and the decomposed spelling of one mailbox are one address;
- a maximum length on every text field (``DEFAULT_MAX_LENGTH`` unless the field sets its own),
  also in the browser (``maxlength``).

Passwords are left exactly as typed (Django compares them byte for byte), with a maximum length.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.validators import MaxLengthValidator

DEFAULT_MAX_LENGTH = 1000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SINGLE_LINE_SPACES = re.compile(r"[\t\n]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """NFC, without control characters; single-line text also without line breaks and tabs."""
    value = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", value))
    value = _CONTROL.sub("", value)
    if not multiline:
        value = _SINGLE_LINE_SPACES.sub(" ", value)
    return value


def normalize_email(value: str) -> str:
    """One spelling per mailbox: NFKC (fullwidth letters, decomposed accents), the domain in its
    IDNA (ASCII) form, all in lower case, without surrounding spaces. Used before every
    comparison and uniqueness check of an address."""
    value = clean_text(unicodedata.normalize("NFKC", value or "")).strip()
    local, at, domain = value.rpartition("@")
    if not at:
        return value.lower()
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = domain  # not a valid domain: the email validator says so
    return f"{local}@{ascii_domain}".lower()


def _multiline(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


class CleanInputMixin:
    """Put first in the bases of every form: ``class MyForm(CleanInputMixin, forms.Form)``."""

    default_max_length = DEFAULT_MAX_LENGTH

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            if field.max_length is None:  # passwords too (a megabyte would keep a hasher busy)
                field.max_length = self.default_max_length
                field.validators.append(MaxLengthValidator(field.max_length))
                field.widget.attrs.update(field.widget_attrs(field.widget))
            elif not any(isinstance(v, MaxLengthValidator) for v in field.validators):
                # A maximum set after the field was made (Django's login form does so for the
                # username) is only a browser hint: without this, a 1,001-letter username went
                # on to the lockout table's 255-character column (a 500 on PostgreSQL).
                field.validators.append(MaxLengthValidator(field.max_length))
        if self.is_bound:
            self.data = self._cleaned_data_copy(self.data)

    def _cleaned_data_copy(self, data):
        data = data.copy()  # a QueryDict copy is mutable
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            if isinstance(field, forms.EmailField):
                clean = normalize_email
            else:
                multiline = _multiline(field)

                def clean(value, multiline=multiline):
                    return clean_text(value, multiline=multiline)

            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            cleaned = [clean(v) if isinstance(v, str) else v for v in values]
            if hasattr(data, "setlist"):
                data.setlist(key, cleaned)
            else:
                data[key] = cleaned[0] if len(cleaned) == 1 else cleaned
        return data


def max_length_check(table: str, field: str, limit: int):
    """The database's guard of a text column's maximum (SQLite ignores VARCHAR lengths and a
    TEXT column has none): a named ``CheckConstraint`` on ``LENGTH(field) <= limit``."""
    from django.db import models
    from django.db.models.functions import Length
    from django.db.models.lookups import LessThanOrEqual

    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit), name=f"{table}_{field}_max_length"
    )
