from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conference.models import AuditEntry
from conference.models.audit import state_label


class ToStateFilter(admin.SimpleListFilter):
    """The states entries moved to, named as people read them (not "confirmed")."""

    title = _("to")
    parameter_name = "to_state"

    def lookups(self, request, model_admin):
        codes = (
            AuditEntry.objects.exclude(to_state="")
            .order_by("to_state")
            .values_list("to_state", flat=True)
            .distinct()
        )
        return [(code, state_label(code)) for code in codes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(to_state=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is written by services only: read-only here."""

    list_display = ["created_at", "actor_display", "action", "subject_kind", "object_id",
                    "from_display", "to_display"]  # fmt: skip
    list_filter = ["action", "content_type", ToStateFilter]
    search_fields = ["actor_label", "reason", "object_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type", "actor"]

    @admin.display(description=_("who"), ordering="actor_label")
    def actor_display(self, obj):
        return obj.actor_display

    @admin.display(description=_("about"), ordering="content_type")
    def subject_kind(self, obj):
        # The model's name in the reader's language ("đăng ký"), not "conference | registration".
        return obj.content_type.name

    @admin.display(description=_("from"), ordering="from_state")
    def from_display(self, obj):
        return obj.from_state_display or "—"

    @admin.display(description=_("to"), ordering="to_state")
    def to_display(self, obj):
        return obj.to_state_display or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
