from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conference.models import AuditEntry


class ActionFilter(admin.SimpleListFilter):
    """Every registered action, by its label (the codes have no fixed choices)."""

    title = _("action")
    parameter_name = "action__exact"

    def lookups(self, request, model_admin):
        return list(AuditEntry.ACTIONS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is written by services only: read-only here."""

    list_display = ["created_at", "actor_display", "action_display", "content_type", "object_id",
                    "from_state", "to_state"]  # fmt: skip
    list_filter = [ActionFilter, "content_type", "to_state"]
    search_fields = ["actor_label", "reason", "object_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type", "actor"]

    @admin.display(description=_("who"), ordering="actor_label")
    def actor_display(self, obj):
        return obj.actor_display

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj):
        return obj.get_action_display()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
