"""The admin index and the delivery log show stuck, failing and failed emails (count and age),
for those who may see the delivery log, so an outage is noticed without reading logs."""

from django import template
from django.urls import reverse

from conference.models import Notification
from conference.outbox import outbox_health
from conference.permissions import can

register = template.Library()


def health_context() -> dict:
    """What ``health_notice.html`` needs; one query."""
    changelist = reverse("admin:conference_notification_changelist")
    Status = Notification.Status
    return {
        "health": outbox_health(),
        "failed_url": f"{changelist}?status__exact={Status.FAILED}",
        "waiting_url": f"{changelist}?status__in={Status.QUEUED},{Status.SENDING}",
    }


@register.inclusion_tag("admin/conference/notification/health_notice.html", takes_context=True)
def outbox_health_notice(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (
        can(user, "notification.manage") or user.has_perm("conference.view_notification")
    ):
        return {}
    return health_context()
