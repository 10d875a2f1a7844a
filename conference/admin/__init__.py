"""The admin site, one module per area. Modules register their ModelAdmins on import."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conference.admin import audit, editions, outbox, registrations, users  # noqa: F401

admin.site.site_header = _("Northern Industry and Trade Conference — administration")
admin.site.site_title = _("Conference administration")
admin.site.index_title = _("Site administration")
