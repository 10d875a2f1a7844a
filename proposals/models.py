"""Policy proposals (kiến nghị, đề xuất) and papers (tham luận) of the provinces' Departments of
Industry and Trade: submission, review, decision, the Ministry's answer and the carry-over to the
next edition.

A proposal changes state only through :func:`proposals.services._set_state`, which checks
``Proposal.TRANSITIONS`` and writes an audit entry. The invariants that do not need another table
are named database constraints.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from conference.models.editions import LocalizedTextMixin
from conference.private_files import PrivateStorage
from conference.vietnamese import fold, sort_key
from proposals.querysets import ProposalQuerySet, ReviewerAssignmentQuerySet

# ---------------------------------------------------------------------------------------------
# Private file storage: outside MEDIA_ROOT and STATIC_ROOT, served only by a permission-checked view
# ---------------------------------------------------------------------------------------------


# The proposals' attachments and answers: under ``settings.PROPOSALS_FILES_DIR``.
_private_storage = PrivateStorage("PROPOSALS_FILES_DIR")


def private_storage() -> PrivateStorage:
    return _private_storage


def random_file_name(instance, filename: str) -> str:
    """A random name with the detected extension: the uploader's name is kept only as data."""
    extension = getattr(instance, "kind", "") or "bin"
    return f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{extension}"


# ---------------------------------------------------------------------------------------------
# Policy areas (data, editable in the admin)
# ---------------------------------------------------------------------------------------------


class PolicyArea(LocalizedTextMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("offered on the form"), default=True, help_text=_("Unticked: kept for old proposals.")
    )

    class Meta:
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.localized("name")


# ---------------------------------------------------------------------------------------------
# The proposal window of an edition
# ---------------------------------------------------------------------------------------------


class ProposalWindow(models.Model):
    """When departments may submit proposals for an edition."""

    edition = models.OneToOneField(
        "conference.Edition",
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="proposal_window",
    )
    opens_at = models.DateTimeField(_("proposals open"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("proposal deadline"),
        help_text=_("Midnight means until the end of the day before."),
    )

    class Meta:
        verbose_name = _("proposal window")
        verbose_name_plural = _("proposal windows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="proposal_window_ordered",
            )
        ]

    def __str__(self) -> str:
        return str(self.edition)


# ---------------------------------------------------------------------------------------------
# Proposals
# ---------------------------------------------------------------------------------------------


class Proposal(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal or recommendation")
        PAPER = "paper", _("Paper to present")

    class AddressedTo(models.TextChoices):
        MINISTRY = "ministry", _("the Ministry of Industry and Trade")
        GOVERNMENT = "government", _("the Government")
        OTHER_MINISTRY = "other_ministry", _("another ministry")
        PROVINCES = "provinces", _("the provinces of the region")

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("proposal state", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("proposal state", "Submitted")
        IN_REVIEW = "in_review", pgettext_lazy("proposal state", "In review")
        DECIDED = "decided", pgettext_lazy("proposal state", "Decided, not yet published")
        ACCEPTED = "accepted", pgettext_lazy("proposal state", "Accepted")
        NEEDS_REVISION = "needs_revision", pgettext_lazy("proposal state", "Needs revision")
        REJECTED = "rejected", pgettext_lazy("proposal state", "Not accepted")
        MERGED = "merged", pgettext_lazy("proposal state", "Merged into another")
        DUPLICATE = "duplicate", pgettext_lazy("proposal state", "Duplicate")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal state", "Withdrawn")
        FORWARDED = "forwarded", pgettext_lazy("proposal state", "Forwarded, awaiting an answer")
        PARTLY_ANSWERED = "partly_answered", pgettext_lazy("proposal state", "Partly answered")
        ANSWERED = "answered", pgettext_lazy("proposal state", "Answered")
        CARRIED_OVER = "carried_over", pgettext_lazy("proposal state", "Carried over")

    S = State
    # The only state changes there are; services._set_state enforces them.
    TRANSITIONS: dict[str, frozenset[str]] = {
        S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
        S.SUBMITTED: frozenset({S.IN_REVIEW, S.DECIDED, S.WITHDRAWN}),
        S.IN_REVIEW: frozenset({S.DECIDED, S.WITHDRAWN}),
        S.DECIDED: frozenset({S.ACCEPTED, S.NEEDS_REVISION, S.REJECTED, S.MERGED, S.DUPLICATE}),
        S.NEEDS_REVISION: frozenset({S.SUBMITTED, S.WITHDRAWN}),
        S.ACCEPTED: frozenset({S.FORWARDED, S.PARTLY_ANSWERED, S.ANSWERED, S.CARRIED_OVER}),
        S.FORWARDED: frozenset({S.PARTLY_ANSWERED, S.ANSWERED, S.CARRIED_OVER}),
        S.PARTLY_ANSWERED: frozenset({S.ANSWERED, S.CARRIED_OVER}),
        S.REJECTED: frozenset(),
        S.MERGED: frozenset(),
        S.DUPLICATE: frozenset(),
        S.WITHDRAWN: frozenset(),
        S.ANSWERED: frozenset(),
        S.CARRIED_OVER: frozenset(),
    }
    # Where the department may still change the text (and attachments).
    EDITABLE = frozenset({S.DRAFT, S.SUBMITTED, S.NEEDS_REVISION})
    WITHDRAWABLE = frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_REVISION})
    # Reviewers may be assigned and may write or change their review.
    REVIEWABLE = frozenset({S.SUBMITTED, S.IN_REVIEW, S.DECIDED})
    DECIDABLE = frozenset({S.SUBMITTED, S.IN_REVIEW, S.DECIDED})
    # Accepted and not yet fully answered: forwarded, answered, carried over to the next edition.
    OPEN = frozenset({S.ACCEPTED, S.FORWARDED, S.PARTLY_ANSWERED})
    # Shown on the public page of the edition.
    PUBLIC = frozenset({S.ACCEPTED, S.FORWARDED, S.PARTLY_ANSWERED, S.ANSWERED, S.CARRIED_OVER})
    # Seen by the organizers (every proposal that left the department).
    SUBMITTED_STATES = frozenset(set(S) - {S.DRAFT})

    edition = models.ForeignKey(
        "conference.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    department = models.ForeignKey(
        "provinces.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    unit = models.ForeignKey(
        "provinces.ProvincialUnit",
        verbose_name=_("province or city"),
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("The department's unit, kept for filters and permissions."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROPOSAL)
    title = models.CharField(_("title"), max_length=300)
    area = models.ForeignKey(
        PolicyArea, verbose_name=_("policy area"), on_delete=models.PROTECT, related_name="+"
    )
    addressed_to = models.CharField(
        _("addressed to"),
        max_length=20,
        choices=AddressedTo.choices,
        default=AddressedTo.MINISTRY,
    )
    summary = models.TextField(_("summary"))
    full_text = models.TextField(_("full text"), blank=True)
    legal_references = models.TextField(
        _("legal references"),
        blank=True,
        help_text=_('For example "Nghị định 32/2024/NĐ-CP"; one per line.'),
    )
    presenter_name = models.CharField(_("presented by"), max_length=150, blank=True)
    presenter_title = models.CharField(_("presenter's title"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    carried_over_from = models.OneToOneField(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_over_to",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    sort_key = models.TextField(editable=False, default="")
    # Copies of the area's order and the unit's sort key, so that the lists' order (area,
    # province, title: ``ProposalQuerySet.ordered``) is read from one index
    # (``proposal_list_order``) instead of sorting every proposal of the edition for a page. Kept
    # up to date by ``save()`` and, when an area's order or a unit's name changes, by the
    # signal handlers in ``proposals/apps.py`` (``ProposalQuerySet.refresh_list_order``).
    area_order = models.PositiveSmallIntegerField(editable=False, default=0)
    unit_sort_key = models.CharField(max_length=400, editable=False, default="")

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["edition__number", "area__order", "unit__sort_key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(carried_over_from=models.F("id")),
                name="proposal_not_carried_over_from_itself",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(submitted_at__isnull=False),
                name="proposal_submitted_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "state"], name="proposal_edition_state_idx"),
            # The lists' order (area, province, title): the first page is read from it.
            models.Index(
                fields=["edition", "area_order", "unit_sort_key", "sort_key", "id"],
                name="proposal_list_order",
            ),
            # The organizers' counts per province and state: an index-only scan.
            models.Index(fields=["edition", "unit", "state"], name="proposal_edition_unit_state"),
            # A department's proposals of an edition, newest first (the liaisons' list).
            models.Index(
                fields=["department", "edition", "-created_at", "-id"],
                name="proposal_department_recent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"area", "unit"} & set(update_fields):
            self.refresh_list_order()
            if update_fields is not None:
                update_fields = {*update_fields, "area_order", "unit_sort_key"}
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("proposals:detail", kwargs={"pk": self.pk})

    def refresh_list_order(self) -> None:
        """The copies of the area's order and the unit's sort key (see ``area_order``)."""
        self.area_order = self.area.order if self.area_id else 0
        self.unit_sort_key = self.unit.sort_key if self.unit_id else ""

    def refresh_search_fields(self) -> None:
        self.sort_key = sort_key(self.title)
        self.search_text = " ".join(
            fold(part)
            for part in (
                self.title,
                self.summary,
                self.legal_references,
                self.presenter_name,
                self.unit.name if self.unit_id else "",
            )
            if part
        )

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC

    def legal_reference_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_references.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# Attachments (files checked by content; see proposals.files)
# ---------------------------------------------------------------------------------------------


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        XLSX = "xlsx", "Excel (XLSX)"

    CONTENT_TYPES = {
        Kind.PDF: "application/pdf",
        Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind of file"), max_length=5, choices=Kind.choices)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=random_file_name, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    is_response = models.BooleanField(
        _("part of the Ministry's answer"), default=False, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["pdf", "docx", "xlsx"]), name="attachment_kind_known"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="attachment_not_empty"),
            models.UniqueConstraint(fields=["file"], name="attachment_file_unique"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("proposals:attachment", kwargs={"pk": self.pk})

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]


# ---------------------------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------------------------


class ReviewerAssignment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="proposal_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    batch = models.CharField(_("assignment batch"), max_length=40, blank=True)

    objects = ReviewerAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="assignment_one_per_reviewer_per_proposal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.proposal}"


class Recommendation(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REVISE = "revise", _("Ask for a revision")
    REJECT = "reject", _("Do not accept")
    MERGE = "merge", _("Merge into another proposal")
    DUPLICATE = "duplicate", _("Duplicate of another proposal")


class Review(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="proposal_reviews",
    )
    score = models.PositiveSmallIntegerField(
        _("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices
    )
    related_proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("the other proposal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a merge or a duplicate."),
    )
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="review_one_per_reviewer_per_proposal"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="review_score_between_1_and_5"
            ),
            models.CheckConstraint(
                condition=models.Q(recommendation__in=[c for c, _l in Recommendation.choices]),
                name="review_recommendation_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.proposal} ({self.score})"


# ---------------------------------------------------------------------------------------------
# Decision: recorded, then published together
# ---------------------------------------------------------------------------------------------


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        REVISE = "revise", _("Needs revision")
        REJECT = "reject", _("Do not accept")
        MERGE = "merge", _("Merge into another proposal")
        DUPLICATE = "duplicate", _("Duplicate of another proposal")

    # The state a published decision moves the proposal to.
    STATES = {
        Outcome.ACCEPT: Proposal.State.ACCEPTED,
        Outcome.REVISE: Proposal.State.NEEDS_REVISION,
        Outcome.REJECT: Proposal.State.REJECTED,
        Outcome.MERGE: Proposal.State.MERGED,
        Outcome.DUPLICATE: Proposal.State.DUPLICATE,
    }

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(
        _("reason or comments for the department"),
        blank=True,
        help_text=_("Sent to the department: the reason of a refusal, what to revise."),
    )
    related_proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("the other proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(published_at__isnull=True),
                name="decision_one_unpublished_per_proposal",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    outcome__in=["merge", "duplicate"], related_proposal__isnull=False
                )
                | (~models.Q(outcome__in=["merge", "duplicate"]) & models.Q(related_proposal=None)),
                name="decision_related_only_for_merge_or_duplicate",
            ),
            models.CheckConstraint(
                condition=~models.Q(related_proposal=models.F("proposal")),
                name="decision_related_not_itself",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["reject", "revise"]) | ~models.Q(reason=""),
                name="decision_reason_for_reject_or_revise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — {self.get_outcome_display()}"


# ---------------------------------------------------------------------------------------------
# After the edition: the answer, and related documents that are not the answer
# ---------------------------------------------------------------------------------------------


class MinistryResponse(models.Model):
    class Status(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        PARTLY = "partly", _("Partly answered")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="responses"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    date = models.DateField(_("date of the document"))
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200)
    text = models.TextField(_("the answer"))
    attachment = models.OneToOneField(
        Attachment,
        verbose_name=_("file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer of the addressee")
        verbose_name_plural = _("answers of the addressees")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["answered", "partly"]),
                name="response_status_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number or self.issued_by} ({self.date:%d/%m/%Y})"


class RelatedDocument(models.Model):
    """A legal document issued later on the proposal's subject, without calling it the answer."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="related_documents",
    )
    number = models.CharField(_("document number"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    date = models.DateField(_("date of the document"))
    url = models.URLField(_("link"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("related document")
        verbose_name_plural = _("related documents")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="related_document_once_per_proposal"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @cached_property
    def localized_title(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "vi").startswith("en") and self.title_en:
            return self.title_en
        return self.title
