"""Forms of delegate registration: the public form, the delegate's changes, the "send me my
link again" form, the liaison's and organizers' decisions (the organizers' filters:
conference/filters.py).

Forms check input; the rules (window, seats, duplicates, states) live in
``conference.services.registrations``.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.models import Edition, ProgrammePart, Registration
from conference.phones import INVALID_MESSAGE, format_phone, normalize_phone
from conference.text_input import CleanInputMixin
from provinces.models import ProvincialUnit

CONSENT_PURPOSE = _(
    "I agree that the organizers (the Ministry of Industry and Trade, its Agency of Local "
    "Industry and Trade and the host province's Department of Industry and Trade) process the "
    "personal data in this form — name, position, organisation, email, phone and needs — for one "
    "purpose: organising this conference (registration, confirmation by my province, badge, "
    "check-in, seating, accommodation and messages about this edition). The data is not passed "
    "to anyone else and is deleted one year after the conference. Under Decree 13/2023/NĐ-CP I "
    "may view, correct or withdraw it at any time with the link sent to me by email."
)


class PhoneField(forms.CharField):
    """A phone number (``conference.phones``): cleans to E.164 with its extension, shows the
    national form of a Vietnamese number and the international form of another."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "help_text",
            _(
                "A mobile such as 0912 345 678, or a landline 024 3825 1234 (extension: "
                "“máy lẻ 12”). From abroad: + and the country code, e.g. +33 1 23 45 67 89."
            ),
        )
        super().__init__(**kwargs)
        self.error_messages.setdefault("invalid_phone", INVALID_MESSAGE)

    def prepare_value(self, value):
        if value and str(value).startswith("+"):
            return format_phone(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        return normalize_phone(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        return attrs


class _KnownChoiceIterator(ModelChoiceIterator):
    """The choices of a field whose objects were read already (``field.known``)."""

    def __iter__(self):
        if self.field.known is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.known:
            yield self.choice(obj)

    def __len__(self):
        if self.field.known is None:
            return super().__len__()
        return len(self.field.known) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(len(self))


class KnownChoicesMixin:
    """A model choice field that can be given its objects, read already (the public form keeps
    them in the cache with the edition: ``conference.public_cache.remember``): ``known``. Its
    choices are then shown and checked without a query; without them, as Django does."""

    known: list | None = None
    iterator = _KnownChoiceIterator

    def set_known(self, objects) -> None:
        self.known = list(objects)
        self.widget.choices = self.choices

    def _known_by_pk(self) -> dict[str, object]:
        return {str(obj.pk): obj for obj in self.known}


class UnitChoiceField(KnownChoicesMixin, forms.ModelChoiceField):
    def label_from_instance(self, obj: ProvincialUnit) -> str:
        return obj.name

    def to_python(self, value):
        if self.known is None or value in self.empty_values:
            return super().to_python(value)
        try:
            return self._known_by_pk()[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class PartsChoiceField(KnownChoicesMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        """The chosen parts, as a list in the programme's order (Django's: a query)."""
        if self.known is None:
            return super()._check_values(value)
        try:
            chosen = {str(pk) for pk in value}
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        by_pk = self._known_by_pk()
        for pk in chosen:
            if pk not in by_pk:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return [obj for obj in self.known if str(obj.pk) in chosen]


# What the public form says about the seats of each choice of province, in words only (numbers
# would tell a visitor whether an address was already registered: see seats_availability).
SEATS_SUFFIX = {
    "few": _("%(unit)s (few seats left)"),
    "full": _("%(unit)s (full: waiting list)"),
}
SEATS_HINT = {
    "available": _("%(unit)s: seats are available."),
    "few": _("%(unit)s: few seats are left."),
    "full": _(
        "%(unit)s: all seats are taken. You can still register on the waiting list: tick the box "
        "below."
    ),
}
NO_UNIT = _("Delegates without a province")


class SeatsSelect(forms.Select):
    """The province select of the public form: each option says, in its label and in a
    ``data-seats-hint`` attribute (for progressive enhancement: registration.js shows it
    under the select when the choice changes), whether that province still has seats."""

    def __init__(self, *args, seats: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = seats or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit_id = getattr(value, "value", value) or None
        word = self.seats.get(unit_id, "")
        unit = str(label) if unit_id else str(NO_UNIT)
        if word in SEATS_SUFFIX:
            option["label"] = SEATS_SUFFIX[word] % {"unit": label}
        if word:
            option["attrs"]["data-seats"] = word
            option["attrs"]["data-seats-hint"] = SEATS_HINT[word] % {"unit": unit}
        return option


def _edition_parts(edition: Edition) -> list[ProgrammePart]:
    return list(edition.programme_parts.order_by("order", "id"))


# What a delegate tells about themselves, on every form that writes a registration.
DELEGATE_FIELDS = [
    "salutation",
    "full_name",
    "position",
    "organisation_kind",
    "organisation_name",
    "unit",
    "email",
    "phone",
    "parts",
    "accommodation_needs",
    "dietary_needs",
]
LABELS = {
    "full_name": _("Full name"),
    "position": _("Position"),
    "organisation_kind": _("Kind of organisation"),
    "organisation_name": _("Name of your organisation"),
    "email": _("Email"),
    "accommodation_needs": _("Accommodation"),
    "dietary_needs": _("Diet"),
}
WIDGETS = {
    "salutation": forms.RadioSelect,
    "accommodation_needs": forms.Textarea(attrs={"rows": 2}),
    "dietary_needs": forms.Textarea(attrs={"rows": 2}),
    "email": forms.EmailInput(attrs={"autocomplete": "email"}),
    "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
}


class DelegateDetailsForm(CleanInputMixin, forms.ModelForm):
    """What the public form and the delegate's change form share: the phone, the parts of the
    programme (asked only when the edition has several), the salutations. The service builds and
    validates the instance (constraints under its locks), so the model's own checks are skipped."""

    phone = PhoneField(label=_("Phone"))
    parts = PartsChoiceField(
        label=_("Parts of the programme you will attend"),
        queryset=ProgrammePart.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def setup_delegate_fields(
        self, edition: Edition, parts: list[ProgrammePart] | None = None
    ) -> None:
        """``parts``: the edition's programme parts in order, when read already."""
        self.fields["salutation"].choices = Registration.Salutation.choices
        self.edition_parts = _edition_parts(edition) if parts is None else parts
        if len(self.edition_parts) > 1:
            self.fields["parts"].queryset = ProgrammePart.objects.filter(edition=edition)
            if parts is not None:
                self.fields["parts"].set_known(parts)
            self.fields["parts"].required = True
            self.fields["parts"].error_messages["required"] = _(
                "Choose at least one part of the programme you will attend."
            )
        else:
            del self.fields["parts"]

    def _post_clean(self):
        pass


class RegistrationForm(DelegateDetailsForm):
    """The public registration form of one edition."""

    consent = forms.BooleanField(
        label=CONSENT_PURPOSE,
        required=True,
        error_messages={"required": _("Your consent is needed to process your registration.")},
    )
    join_waitlist = forms.BooleanField(
        label=_("Put me on the waiting list if no seat is free"),
        required=False,
        help_text=_(
            "If all seats of your province (or of the conference) are taken, you are registered "
            "on the waiting list instead of being turned away, and told by email as soon as a "
            "seat frees up."
        ),
    )
    # Honeypot: hidden from people by CSS, filled in by bots that fill in every field.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = Registration
        fields = DELEGATE_FIELDS
        labels = LABELS
        help_texts = {
            "full_name": _("Family name, middle name and given name, as on your badge."),
            "position": _("For example: Deputy Director of the Department."),
            "organisation_name": _("For example: Sở Công Thương Hà Nội."),
            "email": _("We send the confirmation and the link to your registration here."),
            "accommodation_needs": _("Dates and kind of room, if you need the organizers' help."),
            "dietary_needs": _("Vegetarian, allergies…"),
        }
        widgets = WIDGETS

    def __init__(
        self,
        *args,
        edition: Edition,
        full: bool = False,
        seats: dict | None = None,
        parts: list[ProgrammePart] | None = None,
        units: list[ProvincialUnit] | None = None,
        **kwargs,
    ):
        """``parts`` and ``units``: the edition's programme parts and its participating units in
        order, when read already (the view keeps them in the cache): the form is then shown and
        checked without a query."""
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.setup_delegate_fields(edition, parts)
        self.fields["unit"] = UnitChoiceField(
            label=_("Province or city"),
            queryset=ProvincialUnit.objects.filter(participations__edition=edition).order_by(
                "sort_key"
            ),
            required=False,
            empty_label=_("— none (Ministry unit, enterprise, press, guest) —"),
            help_text=_(
                "Only delegates of a Department of Industry and Trade or another provincial "
                "agency choose their province; its quota applies. Other delegates leave it empty."
            ),
            widget=SeatsSelect(attrs={"data-seats-select": ""}),
        )
        if units is not None:
            self.fields["unit"].set_known(units)
        # The model allows no address (a delegate entered by staff); the public form needs one.
        self.fields["email"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page's <form> carries the CSRF token: the fields' HTML holds none, so an unbound
        # form's HTML is the same for every visitor and is cached (``crispy_cached``).
        self.helper.disable_csrf = True
        self.waitlist_choice = Div("join_waitlist")
        self.helper.layout = Layout(
            Fieldset(
                _("About you"),
                Field("salutation", wrapper_class="mb-2"),
                "full_name",
                "position",
            ),
            Fieldset(
                _("Your organisation"),
                "organisation_kind",
                "organisation_name",
                "unit",
                HTML(
                    '<p class="seats-hint fw-semibold" id="seats-hint" aria-live="polite" '
                    "data-seats-hint>{{ seats_hint }}</p>"
                ),
                self.waitlist_choice,
            ),
            Fieldset(_("How to reach you"), "email", "phone"),
            Fieldset(
                _("Your participation"),
                *(["parts"] if "parts" in self.fields else []),
                "accommodation_needs",
                "dietary_needs",
            ),
            Div(Field("website", tabindex="-1", autocomplete="off"), css_class="reg-hp"),
            Fieldset(_("Personal data"), "consent"),
        )
        self.show_seats(seats, full=full)

    def show_seats(self, seats: dict | None, *, full: bool = False) -> None:
        """Say in the province select how many seats each choice has left (``seats``: the
        words of ``seats_availability_by_unit``), and put the waiting-list box forward when the
        seats are ``full``. The form that comes back after an error gets them once it has
        been checked (a registration that goes through needs neither)."""
        self.seats = seats or {}
        self.fields["unit"].widget.seats = self.seats
        self.waitlist_choice.css_class = "alert alert-warning pb-0" if full else "waitlist-choice"
        # The seats words are part of the rendered select: an unbound form's cached HTML
        # (``crispy_cached``) is kept per set of words, so it changes as soon as seats do.
        self.cache_variant = ",".join(
            f"{unit}:{word}" for unit, word in sorted(self.seats.items(), key=str)
        )

    def chosen_parts(self) -> list[ProgrammePart]:
        """The parts the delegate chose; the edition's only part when it has one (the field is
        not shown then)."""
        if "parts" in self.fields:
            return list(self.cleaned_data.get("parts") or ())
        return list(self.edition_parts) if len(self.edition_parts) == 1 else []

    def seats_hint(self) -> str:
        """The sentence under the province select for the province chosen (when the form is
        shown again), as registration.js writes it when the choice changes."""
        value = self["unit"].value()
        unit = None
        if value not in (None, ""):
            field = self.fields["unit"]
            units = field.queryset if field.known is None else field.known
            unit = next((u for u in units if str(u.pk) == str(value)), None)
        word = self.seats.get(unit.pk if unit else None, "")
        if not word or (unit is None and not self.data):
            return ""
        return SEATS_HINT[word] % {"unit": unit.name if unit else NO_UNIT}

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("organisation_kind")
        if kind in Registration.KINDS_WITH_UNIT and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the province or city of your department or agency."))
        elif kind and kind not in Registration.KINDS_WITH_UNIT:
            # Only a province's own delegates belong to its delegation (and use its quota).
            cleaned["unit"] = None
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def service_data(self) -> dict:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in ("parts", "consent", "join_waitlist", "website")
        }


class RegistrationEditForm(DelegateDetailsForm):
    """What a delegate may change through their link (not the email, unit or kind)."""

    class Meta:
        model = Registration
        fields = [
            "salutation",
            "full_name",
            "position",
            "organisation_name",
            "phone",
            "parts",
            "accommodation_needs",
            "dietary_needs",
            "language",
        ]
        labels = LABELS
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_delegate_fields(self.instance.edition)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "parts"}


class RegistrationCorrectionForm(DelegateDetailsForm):
    """An organizer's correction: everything the delegate may change, plus the email, the
    province and the kind of organisation (``services.registration_correct`` re-checks the
    quota and the email)."""

    class Meta:
        model = Registration
        fields = [*DELEGATE_FIELDS, "language"]
        labels = LABELS
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        edition = self.instance.edition
        self.setup_delegate_fields(edition)
        self.fields["unit"] = UnitChoiceField(
            label=_("Province or city"),
            queryset=ProvincialUnit.objects.filter(participations__edition=edition).order_by(
                "sort_key"
            ),
            required=False,
            empty_label=_("— none (Ministry unit, enterprise, press, guest) —"),
            help_text=_("Moving a seated delegate to another province uses that province's quota."),
        )
        self.fields["email"].help_text = _(
            "The link to the registration is sent to a new address. Empty: a delegate without "
            "an address of their own (nothing is emailed to them)."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def service_data(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key != "parts"}


class ManageLinkForm(CleanInputMixin, forms.Form):
    email = forms.EmailField(
        label=_("The email address you registered with"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "email",
            Div(Field("website", tabindex="-1", autocomplete="off"), css_class="reg-hp"),
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class DecisionForm(CleanInputMixin, forms.Form):
    """Confirm, decline or cancel the ticked registrations, with an optional reason."""

    ACTIONS = [
        ("confirm", pgettext_lazy("registration action", "Confirm")),
        ("decline", pgettext_lazy("registration action", "Decline")),
        ("cancel", pgettext_lazy("registration action", "Cancel")),
    ]
    registrations = forms.ModelMultipleChoiceField(
        queryset=Registration.objects.none(),
        error_messages={"required": _("Tick at least one delegate.")},
    )
    # No default: a form sent with Enter from its reason box must not confirm anybody.
    action = forms.ChoiceField(
        choices=ACTIONS,
        error_messages={"required": _("Choose what to do with the ticked delegates.")},
    )
    reason = forms.CharField(
        label=_("Reason (optional, sent to the delegate when declining or cancelling)"),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, queryset, actions=("confirm", "decline"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].queryset = queryset
        self.fields["action"].choices = [("", _("— choose —"))] + [
            c for c in self.ACTIONS if c[0] in actions
        ]


class ReverseDecisionForm(CleanInputMixin, forms.Form):
    """An organizer takes back a confirmation or a decline (with a reason for the delegate)."""

    to = forms.ChoiceField(
        label=_("Move the registration to"),
        choices=[
            (Registration.Status.PENDING, Registration.Status.PENDING.label),
            (Registration.Status.DECLINED, Registration.Status.DECLINED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the state to move the registration to.")},
    )
    reason = forms.CharField(
        label=_("Reason, sent to the delegate (required)"),
        max_length=500,
        error_messages={"required": _("Give the reason: it is sent to the delegate.")},
    )


def validation_error_to_form(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
