"""The admin site, one module per area. Modules register their ModelAdmins on import."""

from conference.admin import editions, outbox, users  # noqa: F401
