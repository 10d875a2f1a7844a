"""Forms of the proposal pages. They collect and check input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from conference.models import Edition
from conference.predicates import REVIEWER
from conference.text_input import CleanInputMixin
from proposals.models import Decision, MinistryResponse, PolicyArea, Proposal, Recommendation
from proposals.services import PROPOSAL_FIELDS


def reviewers():
    return (
        get_user_model()
        .objects.filter(groups__name=REVIEWER, is_active=True)
        .order_by("sort_key", "username")
    )


def related_choices(proposal: Proposal):
    """The proposals one may be merged into or duplicate: of the same edition and policy area
    (a list of every proposal of an edition would be thousands of options)."""
    return (
        Proposal.objects.filter(edition_id=proposal.edition_id, area_id=proposal.area_id)
        .submitted()
        .exclude(pk=proposal.pk)
        .order_by("sort_key")
    )


class ProposalForm(CleanInputMixin, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = PROPOSAL_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "full_text": forms.Textarea(attrs={"rows": 10}),
            "legal_references": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = PolicyArea.objects.filter(is_active=True)
        self.fields["area"].empty_label = _("Choose a policy area")


class AttachmentForm(CleanInputMixin, forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        help_text=_("PDF, Word (DOCX) or Excel (XLSX)."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.xlsx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class WithdrawForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(CleanInputMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: weak, 5: excellent."),
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", "—"), *Recommendation.choices]
    )
    related_proposal = forms.ModelChoiceField(
        label=_("The other proposal"),
        queryset=Proposal.objects.none(),
        required=False,
        help_text=_("Only to merge into another proposal or mark a duplicate."),
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_proposal"].queryset = related_choices(proposal)


class DecisionForm(CleanInputMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.Outcome.choices)
    reason = forms.CharField(
        label=_("Reason or comments for the department"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to refuse or to ask for a revision; the department reads it."),
    )
    related_proposal = forms.ModelChoiceField(
        label=_("The other proposal"), queryset=Proposal.objects.none(), required=False
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_proposal"].queryset = related_choices(proposal)


class AssignForm(CleanInputMixin, forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewers()
        self.fields["reviewers"].label_from_instance = lambda u: u.get_full_name() or u.username


class BulkAssignForm(AssignForm):
    proposals = forms.ModelMultipleChoiceField(
        label=_("Proposals"), queryset=Proposal.objects.none(), required=False
    )
    area = forms.ModelChoiceField(
        label=_("or every proposal of the area"), queryset=PolicyArea.objects.all(), required=False
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = Proposal.objects.filter(edition=edition).submitted()

    def clean(self):
        data = super().clean()
        if not data.get("proposals") and not data.get("area"):
            raise forms.ValidationError(_("Tick proposals in the list, or choose a policy area."))
        return data


class ResponseForm(CleanInputMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MinistryResponse.Status.choices)
    date = forms.DateField(label=_("Date of the document"), help_text=_("dd/mm/yyyy"))
    number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    issued_by = forms.CharField(
        label=_("Issued by"), max_length=200, initial=_("Ministry of Industry and Trade")
    )
    text = forms.CharField(label=_("The answer"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("File (PDF, DOCX or XLSX)"), required=False)


class CarryOverForm(CleanInputMixin, forms.Form):
    target = forms.ModelChoiceField(
        label=_("Carry the open proposals over to"), queryset=Edition.objects.none()
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Edition.objects.filter(number__gt=edition.number)
