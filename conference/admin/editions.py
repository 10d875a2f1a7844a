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
