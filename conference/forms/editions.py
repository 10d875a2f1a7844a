"""The organizers' forms for an edition's stages and its host-flag handover."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from conference.models.handovers import validate_handover_photo
from provinces.models import Department


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.display_name


class HandoverForm(forms.Form):
    """What the organizer records at the close of an edition; the rules are the service's."""

    date = forms.DateField(label=_("Date of the handover"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    receiving_department = DepartmentChoiceField(
        label=_("Receiving department"),
        queryset=Department.objects.none(),
        help_text=_(
            "The Department of Industry and Trade of the next host, as it is on that date."
        ),
    )
    next_year = forms.IntegerField(
        label=_("Year of the next edition"),
        min_value=2000,
        max_value=2200,
        required=False,
        help_text=_("Empty: the year after this edition's."),
    )
    handed_by_name = forms.CharField(label=_("Handed over by"), max_length=150, required=False)
    handed_by_title = forms.CharField(label=_("Their title"), max_length=200, required=False)
    received_by_name = forms.CharField(label=_("Received by"), max_length=150, required=False)
    received_by_title = forms.CharField(label=_("Their title"), max_length=200, required=False)
    documented = forms.BooleanField(label=_("A source states it"), required=False)
    source = forms.CharField(
        label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        validators=[validate_handover_photo],
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        if edition.date:
            self.fields["date"].initial = edition.date
        day = edition.date
        departments = Department.objects.select_related("unit").ordered()
        if day is not None:
            from provinces.models import ProvincialUnit

            departments = departments.filter(unit__in=ProvincialUnit.objects.valid_on(day))
        self.fields["receiving_department"].queryset = departments
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-control"
            )
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        return {"to_department": data.pop("receiving_department"), **data}

    def add_service_error(self, error: ValidationError) -> None:
        """A refusal of the service, on the field it is about (or above the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class CloseForm(forms.Form):
    last_of_series = forms.BooleanField(
        label=_("This is the last edition of the series (no flag to hand over)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_of_series"].widget.attrs["class"] = "form-check-input"


__all__ = ["CloseForm", "HandoverForm"]
