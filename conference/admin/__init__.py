"""The admin site, one module per area. Modules register their ModelAdmins on import.
The site itself (titles, Vietnamese ordering of the index) is conference.admin_site."""

from conference.admin import (  # noqa: F401
    audit,
    axes,
    editions,
    file_jobs,
    messages,
    outbox,
    registrations,
    users,
)
