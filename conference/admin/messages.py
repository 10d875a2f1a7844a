"""Messages to delegates and the digests sent, read-only: they are written on the organizers'
pages (``/messages/``) and by the digest job, through ``conference.services.messages``."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from conference.models import DelegateMessage, DigestSent, MessageRecipient


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecipientInline(admin.TabularInline):
    model = MessageRecipient
    fields = ["registration", "notification", "delivery"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def delivery(self, obj):
        if obj.notification_id is None:
            return _("No address")
        return obj.notification.get_status_display()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration", "notification")


@admin.register(DelegateMessage)
class DelegateMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "edition", "author", "criteria_label", "report"]
    list_filter = ["edition"]
    search_fields = ["subject", "subject_en", "body"]
    date_hierarchy = "created_at"
    list_select_related = ["edition", "author"]
    fields = ["created_at", "author", "edition", "criteria_label", "subject", "body",
              "subject_en", "body_en", "report"]  # fmt: skip
    readonly_fields = fields
    inlines = [RecipientInline]

    @admin.display(description=_("Delivery report"))
    def report(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("conference:message_detail", args=[obj.pk]),
            _("Delivery report"),
        )


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "item_count", "notification"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "notification"]
    fields = ["created_at", "user", "items", "notification"]
    readonly_fields = fields

    @admin.display(description=_("what it listed"))
    def item_count(self, obj):
        return len(obj.items)


@admin.register(MessageRecipient)
class MessageRecipientAdmin(ReadOnlyAdmin):
    """Who each message went to (also shown inline on the message)."""

    list_display = ["message", "registration", "notification"]
    list_select_related = ["message", "registration", "notification"]
    fields = ["message", "registration", "notification"]
    readonly_fields = fields
