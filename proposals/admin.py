"""The admin of the proposals. A proposal's state is read-only here: it changes through the
services, which the actions call (each declares the model permission it needs)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conference.admin.search import FoldedSearchMixin
from conference.models import Edition
from proposals import services
from proposals.models import (
    Attachment,
    Decision,
    MinistryResponse,
    PolicyArea,
    Proposal,
    ProposalWindow,
    RelatedDocument,
    Review,
    ReviewerAssignment,
)


@admin.register(PolicyArea)
class PolicyAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "name_en", "code"]


@admin.register(ProposalWindow)
class ProposalWindowAdmin(admin.ModelAdmin):
    list_display = ["edition", "opens_at", "closes_at"]
    list_select_related = ["edition"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["original_name", "kind", "size", "is_response", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RelatedDocumentInline(admin.TabularInline):
    model = RelatedDocument
    fields = ["number", "date", "title", "title_en", "url", "note"]
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default


class ResponseInline(admin.StackedInline):
    model = MinistryResponse
    fields = ["status", "date", "number", "issued_by", "text", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = Decision
    fk_name = "proposal"
    fields = ["outcome", "reason", "related_proposal", "decided_by", "decided_at", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReviewInline(admin.TabularInline):
    """The reviewers' scores and comments, for the staff who decide (written on the site only)."""

    model = Review
    fk_name = "proposal"
    fields = ["reviewer", "score", "recommendation", "related_proposal", "comments", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _report(modeladmin, request, done: int, errors: list[str], message: str) -> None:
    if done:
        modeladmin.message_user(request, message % {"count": done}, messages.SUCCESS)
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)


@admin.register(Proposal)
class ProposalAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "edition", "area", "kind", "state", "submitted_at"]
    list_filter = ["edition", "state", "area", "kind", "unit"]
    list_select_related = ["unit", "edition", "area"]
    folded_search_fields = ("search_text",)
    search_fields = ["legal_references"]
    readonly_fields = [
        "state",
        "edition",
        "department",
        "unit",
        "carried_over_from",
        "created_by",
        "created_at",
        "submitted_at",
    ]
    fields = [
        "edition",
        "department",
        "unit",
        "kind",
        "title",
        "area",
        "addressed_to",
        "summary",
        "full_text",
        "legal_references",
        "presenter_name",
        "presenter_title",
        "state",
        "carried_over_from",
        "created_by",
        "created_at",
        "submitted_at",
    ]
    inlines = [
        AttachmentInline,
        ReviewInline,
        DecisionInline,
        ResponseInline,
        RelatedDocumentInline,
    ]
    actions = ["forward", "publish_decisions"]

    def has_add_permission(self, request):
        return False  # departments write proposals on the site (services check the window)

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn, never deleted: the history stays

    @admin.action(
        description=gettext_lazy("Mark the selected accepted proposals as forwarded"),
        permissions=["change"],
    )
    def forward(self, request, queryset):
        done, errors = 0, []
        for proposal in queryset:
            try:
                services.proposal_forward(proposal=proposal, actor=request.user)
                done += 1
            except ValidationError as error:
                errors.append(f"{proposal}: {' '.join(error.messages)}")
        _report(self, request, done, errors, _("Marked as forwarded: %(count)s."))

    @admin.action(
        description=gettext_lazy(
            "Publish the recorded decisions of the selected proposals' editions"
        ),
        permissions=["change"],
    )
    def publish_decisions(self, request, queryset):
        editions = Edition.objects.filter(pk__in=queryset.values("edition_id")).order_by("number")
        done = 0
        for edition in editions:
            done += len(services.decisions_publish(edition=edition, actor=request.user))
        _report(self, request, done, [], _("Decisions published: %(count)s."))


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["proposal", "reviewer", "assigned_by", "assigned_at"]
    list_select_related = ["proposal", "reviewer", "assigned_by"]
    list_filter = ["proposal__edition"]
    readonly_fields = ["proposal", "reviewer", "assigned_by", "assigned_at", "batch"]

    def has_add_permission(self, request):
        return False  # through the services (own-province rule, the reviewer's email)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["proposal", "reviewer", "score", "recommendation", "updated_at"]
    list_select_related = ["proposal", "reviewer"]
    list_filter = ["proposal__edition", "recommendation", "score"]
    readonly_fields = [
        "proposal",
        "reviewer",
        "score",
        "recommendation",
        "related_proposal",
        "comments",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["proposal", "outcome", "decided_by", "decided_at", "published_at"]
    list_select_related = ["proposal", "decided_by"]
    list_filter = ["proposal__edition", "outcome"]
    readonly_fields = [
        "proposal",
        "outcome",
        "reason",
        "related_proposal",
        "decided_by",
        "decided_at",
        "published_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(MinistryResponse)
class MinistryResponseAdmin(admin.ModelAdmin):
    list_display = ["proposal", "status", "date", "number", "issued_by"]
    list_select_related = ["proposal"]
    list_filter = ["status"]
    readonly_fields = ["proposal", "status", "attachment", "recorded_by", "recorded_at"]

    def has_add_permission(self, request):
        return False


@admin.register(RelatedDocument)
class RelatedDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "title", "proposal"]
    list_select_related = ["proposal"]
    search_fields = ["number", "title"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "size", "proposal", "uploaded_at"]
    list_select_related = ["proposal"]
    readonly_fields = [
        "proposal",
        "kind",
        "original_name",
        "size",
        "is_response",
        "uploaded_by",
        "uploaded_at",
    ]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False
