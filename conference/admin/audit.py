from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conference.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is written by services only: read-only here."""

    list_display = ["created_at", "actor_display", "action", "content_type", "object_id",
                    "from_state", "to_state"]  # fmt: skip
    list_filter = ["action", "content_type", "to_state"]
    search_fields = ["actor_label", "reason", "object_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type", "actor"]

    @admin.display(description=_("who"), ordering="actor_label")
    def actor_display(self, obj):
        return obj.actor_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
