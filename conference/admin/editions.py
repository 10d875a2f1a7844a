from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from conference.admin.search import FoldedSearchMixin
from conference.models import AgendaItem, Chair, Edition, EditionParticipant, Handover
from conference.services import editions as edition_services
from conference.services import registrations as registration_services
from conference.services.editions import edition_fill_free_seats


class ChairInline(admin.TabularInline):
    model = Chair
    extra = 0
    autocomplete_fields = ["unit"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["speaker_unit"]


def _promote_after_raise(modeladmin, request, edition) -> None:
    """After a capacity or a quota changed: give the free seats to the waiting list (the
    service skips those whose unit is still full) and say how many moved."""
    promoted = edition_fill_free_seats(edition=edition, actor=request.user)
    if promoted:
        modeladmin.message_user(
            request,
            _("Moved from the waiting list: %(count)s.") % {"count": len(promoted)},
            messages.SUCCESS,
        )


def _warn(modeladmin, request, edition) -> None:
    """Settings that are possible but probably wrong, said after saving."""
    for warning in registration_services.edition_warnings(edition):
        modeladmin.message_user(request, warning, messages.WARNING)


class ParticipantInline(admin.TabularInline):
    model = EditionParticipant
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Edition)
class EditionAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = [
        "ordinal_display", "year_display", "date", "host", "held_in", "lifecycle", "is_demo",
        "manage_link",
    ]  # fmt: skip
    list_display_links = ["ordinal_display", "year_display"]
    list_filter = ["is_demo", "lifecycle", "year"]
    search_fields = ["venue", "=year"]
    folded_search_fields = ("host__search_text", "held_in__search_text")
    autocomplete_fields = ["host", "held_in"]
    readonly_fields = ["lifecycle", "is_last_of_series"]
    inlines = [ChairInline, AgendaItemInline, ParticipantInline]
    list_select_related = ["host", "held_in"]
    actions = ["open_registration", "open_proposals", "mark_held", "close"]

    @admin.display(description=_l("stages and handover"))
    def manage_link(self, edition: Edition) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("conference:edition_manage", args=[edition.number]),
            _("Manage"),
        )

    def _step(self, request, queryset, service, **kwargs) -> None:
        """Each selected edition through the service; each refusal said with its reason."""
        done = 0
        for edition in queryset.order_by("number"):
            try:
                service(edition=edition, actor=request.user, **kwargs)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, _("Editions moved on: %(count)s.") % {"count": done}, messages.SUCCESS
            )

    @admin.action(description=_l("Open registration"), permissions=["change"])
    def open_registration(self, request, queryset):
        self._step(request, queryset, edition_services.edition_open_registration)

    @admin.action(description=_l("Open proposals"), permissions=["change"])
    def open_proposals(self, request, queryset):
        self._step(request, queryset, edition_services.edition_open_proposals)

    @admin.action(description=_l("Mark as held"), permissions=["change"])
    def mark_held(self, request, queryset):
        self._step(request, queryset, edition_services.edition_mark_held)

    @admin.action(description=_l("Close (after the flag is handed over)"), permissions=["change"])
    def close(self, request, queryset):
        self._step(request, queryset, edition_services.edition_close)

    @admin.display(description=_l("ordinal"), ordering="number")
    def ordinal_display(self, edition: Edition) -> str:
        return edition.ordinal

    @admin.display(description=_l("year"), ordering="year")
    def year_display(self, edition: Edition) -> str:
        return str(edition.year)  # a year, not a quantity: no thousands separator

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        quotas_changed = any(
            "quota" in inline.changed_data
            for formset in formsets
            if formset.model is EditionParticipant
            for inline in formset.forms
        )
        if change and ("capacity" in form.changed_data or quotas_changed):
            _promote_after_raise(self, request, form.instance)
        _warn(self, request, form.instance)


@admin.register(EditionParticipant)
class EditionParticipantAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["unit", "edition", "quota"]
    list_filter = ["edition"]
    list_editable = ["quota"]
    folded_search_fields = ("unit__search_text",)
    search_fields = ["unit__code"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "edition"]
    ordering = ["edition__number", "unit__sort_key"]

    def save_model(self, request, obj, form, change):
        # Also called for each row changed in the list (the editable quota column).
        super().save_model(request, obj, form, change)
        if change and "quota" in form.changed_data:
            _promote_after_raise(self, request, obj.edition)
            _warn(self, request, obj.edition)


@admin.register(Chair)
class ChairAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["full_name", "position", "unit", "edition"]
    list_filter = ["edition", "position"]
    search_fields = ["full_name"]
    folded_search_fields = ("unit__search_text",)
    folded_python_fields = ("full_name",)
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "edition"]


@admin.register(AgendaItem)
class AgendaItemAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["edition", "order", "starts_at", "kind", "title", "speaker_name"]
    list_display_links = ["title"]
    list_filter = ["edition", "kind"]
    search_fields = ["title", "title_en", "speaker_name"]
    folded_python_fields = ("title", "title_en", "speaker_name")
    autocomplete_fields = ["speaker_unit"]
    list_select_related = ["edition"]


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    """Handovers are recorded on the edition's "stages and handover" page (the service checks
    every rule); here their descriptive fields can be corrected."""

    list_display = [
        "from_edition", "to_edition", "date", "receiving_department", "documented", "is_current"
    ]  # fmt: skip
    list_filter = ["documented", "is_current"]
    list_select_related = ["from_edition", "to_edition", "receiving_department"]
    search_fields = ["place", "handed_by_name", "received_by_name", "source"]
    readonly_fields = [
        "from_edition", "to_edition", "date", "receiving_department", "is_current", "created_at"
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False
