"""Registrations in the admin: filters, accent-insensitive search, the audit trail, and actions
that call the same services as the liaison's and organizers' pages."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conference import services
from conference.admin.search import FoldedSearchMixin
from conference.models import AuditEntry, ProgrammePart, Registration


class AuditInline(GenericTabularInline):
    model = AuditEntry
    ct_field = "content_type"
    ct_fk_field = "object_id"
    extra = 0
    fields = ["created_at", "actor_label", "action", "from_state", "to_state", "reason"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgrammePart)
class ProgrammePartAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "order", "starts_at"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["title", "title_en"]


def _run(modeladmin, request, queryset, service, done_message):
    done, errors = service(registrations=list(queryset), actor=request.user)
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)


@admin.register(Registration)
class RegistrationAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = [
        "full_name",
        "organisation_name",
        "unit",
        "edition",
        "status",
        "email",
        "phone_display",
        "created_at",
    ]
    list_filter = ["edition", "status", "organisation_kind", "unit"]
    list_select_related = ["edition", "unit"]
    search_fields = ["email", "badge_code"]
    folded_search_fields = ("search_text",)
    ordering = ["sort_key", "id"]
    date_hierarchy = "created_at"
    actions = ["confirm", "decline", "cancel"]
    inlines = [AuditInline]
    fields = [
        "edition",
        "unit",
        "status",
        "salutation",
        "full_name",
        "position",
        "organisation_kind",
        "organisation_name",
        "email",
        "phone",
        "parts",
        "accommodation_needs",
        "dietary_needs",
        "language",
        "badge_code",
        "consent_given_at",
        "consent_version",
        "waitlisted_at",
        "checked_in_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "edition",
        "unit",
        "status",
        "organisation_kind",
        "email",
        "parts",
        "badge_code",
        "consent_given_at",
        "consent_version",
        "waitlisted_at",
        "checked_in_at",
        "created_at",
        "updated_at",
    ]

    @admin.display(description=_("phone"))
    def phone_display(self, obj):
        return obj.phone_display

    def has_add_permission(self, request):
        # Registrations come through the public form (and its rules); staff register someone
        # by filling it in for them.
        return False

    def save_model(self, request, obj, form, change):
        """Changes go through the same service as the delegate's own (organizers: no deadline)."""
        try:
            services.registration_update(
                registration=obj,
                data={key: form.cleaned_data[key] for key in services.EDITABLE_FIELDS
                      if key in form.cleaned_data},
                actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description=_("Confirm the selected registrations"))
    def confirm(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.registrations_confirm,
            lambda n: (
                ngettext("%(n)s registration confirmed.", "%(n)s registrations confirmed.", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("Decline the selected registrations"))
    def decline(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.registrations_decline,
            lambda n: (
                ngettext("%(n)s registration declined.", "%(n)s registrations declined.", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("Cancel the selected registrations"))
    def cancel(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.registrations_cancel,
            lambda n: (
                ngettext("%(n)s registration cancelled.", "%(n)s registrations cancelled.", n)
                % {"n": n}
            ),
        )
