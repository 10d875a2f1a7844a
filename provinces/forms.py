from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from conference.text_input import CleanInputMixin


def _editions():
    # provinces does not import conference (an import-linter contract): the conference's editions
    # come through the app registry, like a string reference in a ForeignKey.
    return apps.get_model("conference", "Edition").objects.order_by("number")


class EditionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class UnitFilterForm(CleanInputMixin, forms.Form):
    """The filter of the provinces list: an edition's participants, and an accent-free search."""

    edition = EditionChoiceField(
        label=_("Edition"),
        queryset=None,
        to_field_name="number",
        required=False,
        empty_label=_("Units existing today"),
        error_messages={"invalid_choice": _("There is no edition with this number.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name, code or department, e.g. ha giang"),
                "type": "search",
                "class": "form-control",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = _editions()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
