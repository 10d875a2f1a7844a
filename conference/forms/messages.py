"""The organizers' message to delegates: subject and message in Vietnamese, optionally in
English, and the submission key that makes a second submission of the same form harmless."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from conference.models.messages import BODY_MAX, SUBJECT_MAX
from conference.text_input import CleanInputMixin


class MessageForm(CleanInputMixin, forms.Form):
    subject = forms.CharField(label=_("Subject (Vietnamese)"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message (Vietnamese)"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The email begins with the delegate's name and ends with the link to their "
            "registration and the organizers' contact."
        ),
    )
    subject_en = forms.CharField(
        label=_("Subject (English)"), max_length=SUBJECT_MAX, required=False
    )
    body_en = forms.CharField(
        label=_("Message (English)"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Optional. Delegates who registered in English receive it; without it everyone "
            "receives the Vietnamese message."
        ),
    )
    # A UUID made when the form is first shown (a CharField: the site's input cleaning applies).
    key = forms.CharField(
        widget=forms.HiddenInput, initial=lambda: str(uuid.uuid4()), max_length=36
    )

    def clean_key(self) -> uuid.UUID:
        try:
            return uuid.UUID(self.cleaned_data["key"])
        except ValueError:
            raise forms.ValidationError(
                _("The form has expired; please write the message again."), code="bad_key"
            ) from None

    def clean(self):
        data = super().clean()
        subject_en, body_en = data.get("subject_en", ""), data.get("body_en", "")
        if subject_en and not body_en:
            self.add_error("body_en", _("Write the English message too, or clear its subject."))
        elif body_en and not subject_en:
            self.add_error("subject_en", _("Give the English subject too, or clear the message."))
        return data

    def texts(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name, "")
            for name in ("subject", "body", "subject_en", "body_en")
        }
