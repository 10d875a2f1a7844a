"""The request for a prepared file: which kind, and the list's filters as a query string (the
buttons of the registration list and the badge index post it)."""

from __future__ import annotations

from django import forms

from conference.models import FileJob
from conference.models.file_jobs import QUERY_MAX
from conference.text_input import CleanInputMixin


class FileJobRequestForm(CleanInputMixin, forms.Form):
    kind = forms.ChoiceField(choices=FileJob.Kind.choices)
    query = forms.CharField(required=False, max_length=QUERY_MAX)
