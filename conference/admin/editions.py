from django.contrib import admin

from conference.admin.search import FoldedSearchMixin
from conference.models import AgendaItem, Chair, Edition, EditionParticipant


class ChairInline(admin.TabularInline):
    model = Chair
    extra = 0
    autocomplete_fields = ["unit"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["speaker_unit"]


class ParticipantInline(admin.TabularInline):
    model = EditionParticipant
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Edition)
class EditionAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["number", "year", "date", "host", "held_in", "is_demo"]
    list_filter = ["is_demo", "year"]
    search_fields = ["venue"]
    folded_search_fields = ("host__search_text", "held_in__search_text")
    autocomplete_fields = ["host", "held_in", "flag_received_at"]
    inlines = [ChairInline, AgendaItemInline, ParticipantInline]
    list_select_related = ["host", "held_in"]


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


@admin.register(Chair)
class ChairAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["full_name", "position", "unit", "edition"]
    list_filter = ["edition", "position"]
    search_fields = ["full_name"]
    folded_search_fields = ("unit__search_text",)
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "edition"]


@admin.register(AgendaItem)
class AgendaItemAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["edition", "order", "starts_at", "kind", "title", "speaker_name"]
    list_display_links = ["title"]
    list_filter = ["edition", "kind"]
    search_fields = ["title", "title_en", "speaker_name"]
    autocomplete_fields = ["speaker_unit"]
    list_select_related = ["edition"]
