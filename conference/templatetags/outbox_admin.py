"""The admin index shows how many emails failed, for those who may see the delivery log."""

from django import template
from django.urls import reverse

from conference.models import Notification
from conference.permissions import can

register = template.Library()


@register.inclusion_tag("admin/conference/notification/failed_notice.html", takes_context=True)
def outbox_failed_notice(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (
        can(user, "notification.manage") or user.has_perm("conference.view_notification")
    ):
        return {"failed_count": 0}
    return {
        "failed_count": Notification.objects.failed().count(),
        "failed_url": reverse("admin:conference_notification_changelist")
        + f"?status__exact={Notification.Status.FAILED}",
    }
