"""Forms of the venue: taking back a check-in at the desk (the desk's own field is read by
``conference.views.venue.checkin``, as a scanner types into it)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from conference.text_input import CleanInputMixin

REASON_MAX_LENGTH = 500


class CheckInUndoForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("For example: the wrong delegate was picked. Kept in the history."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
