"""The admin site, one module per area. Modules register their ModelAdmins on import.
The site itself (titles, Vietnamese ordering of the index) is conference.admin_site."""

from conference.admin import audit, axes, editions, outbox, registrations, users  # noqa: F401
