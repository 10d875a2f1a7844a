"""The email delivery log: what was sent, what failed and why; retry, resend, send a test."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from conference.models import Notification
from conference.outbox import (
    KINDS,
    Rendered,
    kind_label,
    notification_rendered,
    notification_resend,
    notification_retry,
    notification_send_test,
)
from conference.permissions import can
from conference.signing import mask_manage_links
from conference.templatetags.outbox_admin import health_context
from conference.text_input import CleanInputMixin
from conference.vietnamese import sort_key


class SendTestForm(CleanInputMixin, forms.Form):
    recipient = forms.EmailField(label=_("Recipient"))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class KindFilter(admin.SimpleListFilter):
    """The kinds by their translated label, in Vietnamese order: every registered kind and any
    older code still found in the log."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        codes = set(KINDS) | set(
            Notification.objects.order_by().values_list("kind", flat=True).distinct()
        )
        labelled = [(code, kind_label(code)) for code in codes]
        return sorted(labelled, key=lambda item: (sort_key(item[1]), item[0]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "kind_display",
        "status_badge",
        "attempts",
        "sent_at",
        "edition",
        "short_error",
    ]
    list_filter = ["status", KindFilter, "edition", "language"]
    search_fields = ["recipient", "subject", "event_key"]
    date_hierarchy = "created_at"
    list_select_related = ["edition"]
    list_per_page = 50
    actions = ["retry_now", "resend"]
    change_list_template = "admin/conference/notification/change_list.html"

    class Media:
        css = {"all": ["conference/admin.css"]}

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status_badge",
                    "recipient",
                    "language",
                    "kind_display",
                    "subject",
                    "edition",
                    "about_link",
                    "event_key",
                    "resend_of",
                ]
            },
        ),
        (
            _("Delivery"),
            {
                "fields": [
                    "created_at",
                    "attempts",
                    "next_attempt_at",
                    "claimed_at",
                    "sent_at",
                    "last_error",
                ]
            },
        ),
        (_("Content"), {"fields": ["html_preview", "text_preview"]}),
    ]
    # The log is read-only: every field shown is a read-only field.
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    # Who may use the log: conference.permissions' "notification.manage" (organizers and
    # superusers), or Django's model permissions given to a staff account (view_notification to
    # read, change_notification to retry, resend and send a test). Other staff (the check-in
    # volunteers) do not see it: the emails hold personal data. It is written by the outbox only:
    # no adding, editing or deleting by hand; "change" on the list is what the actions need,
    # single rows are read-only.
    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return can(request.user, "notification.manage") or super().has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None:
            return False
        return can(request.user, "notification.manage") or super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).for_log()

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Notification):
        return format_html(
            '<strong class="outbox-status-{}">{}</strong>', obj.status, obj.get_status_display()
        )

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, obj: Notification) -> str:
        return kind_label(obj.kind)

    @admin.display(description=_("last error"))
    def short_error(self, obj: Notification) -> str:
        return obj.last_error if len(obj.last_error) <= 80 else obj.last_error[:79] + "…"

    @admin.display(description=_("about"))
    def about_link(self, obj: Notification):
        if not obj.content_type_id:
            return "—"
        about = obj.about
        return str(about) if about is not None else f"{obj.content_type} #{obj.object_id}"

    # The previews show the stored bodies with the tokens of self-service links masked ("…"):
    # the email as sent, without handing a working link to whoever reads the log. An email not
    # sent yet has no bodies yet (they are rendered when it is sent): it is shown rendered now
    # from what was stored when it was queued, and says so.
    def _rendered(self, obj: Notification):
        if getattr(obj, "_rendered_preview", None) is None:
            try:
                obj._rendered_preview = notification_rendered(obj)
            except Exception as error:  # a template that no longer renders: say why
                text = gettext("This email cannot be rendered: %(error)s") % {"error": error}
                obj._rendered_preview = Rendered(obj.subject, text, text)
        return obj._rendered_preview

    def _not_sent_yet(self, obj: Notification) -> str:
        if obj.context is not None and not obj.body_text:
            return gettext("Not sent yet: shown as it will be written when it is sent.")
        return ""

    @admin.display(description=_("HTML body"))
    def html_preview(self, obj: Notification):
        # srcdoc takes the escaped document; the sandbox runs no script and follows no form.
        # The page's Content-Security-Policy also holds inside the preview: the email's own
        # inline styles are not applied there (its text and links are what the log is for).
        return format_html(
            '{}<iframe sandbox="" srcdoc="{}" title="{}" class="outbox-preview-html"></iframe>',
            format_html('<p class="help" data-not-sent>{}</p>', note)
            if (note := self._not_sent_yet(obj))
            else "",
            mask_manage_links(self._rendered(obj).body_html),
            gettext("Preview of the HTML body"),
        )

    @admin.display(description=_("plain-text body"))
    def text_preview(self, obj: Notification):
        return format_html(
            '<pre class="outbox-preview-text">{}</pre>',
            mask_manage_links(self._rendered(obj).body_text),
        )

    def _each(self, request, queryset, service, success) -> None:
        """Run ``service`` on every selected email; report how many worked and why others didn't."""
        done, refused = 0, []
        for notification in queryset:
            try:
                service(notification=notification, actor=request.user)
                done += 1
            except ValidationError as error:
                refused.append(f"{notification.recipient}: {' '.join(error.messages)}")
        if done:
            self.message_user(request, success(done) % {"count": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        self._each(
            request,
            queryset,
            notification_retry,
            lambda n: ngettext(
                "%(count)d email queued again.", "%(count)d emails queued again.", n
            ),
        )

    @admin.action(description=_("Resend (as a new email)"), permissions=["change"])
    def resend(self, request, queryset):
        self._each(
            request,
            queryset,
            notification_resend,
            lambda n: ngettext("%(count)d email resent.", "%(count)d emails resent.", n),
        )

    def get_urls(self):
        return [
            path(
                "send-test/",
                self.admin_site.admin_view(self.send_test_view),
                name="conference_notification_send_test",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": gettext("Email delivery log"),
            **health_context(),
            "can_send_test": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def send_test_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = SendTestForm(
            request.POST or None,
            initial={"recipient": request.user.email, "language": request.user.language},
        )
        if request.method == "POST" and form.is_valid():
            try:
                notification = notification_send_test(
                    recipient=form.cleaned_data["recipient"],
                    language=form.cleaned_data["language"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error("recipient", error)
            else:
                self.message_user(
                    request,
                    gettext("A test email to %(recipient)s was queued.")
                    % {"recipient": notification.recipient},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:conference_notification_change", args=[notification.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Send a test email"),
            "form": form,
        }
        return TemplateResponse(request, "admin/conference/notification/send_test.html", context)
