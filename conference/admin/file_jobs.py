"""Prepared files (all badges as one PDF, the XLSX export), read-only: they are asked for and
downloaded on the organizers' pages (``/editions/<n>/files/``) through
``conference.services.file_jobs``; the admin shows the history, never the files themselves."""

from django.contrib import admin

from conference.admin.messages import ReadOnlyAdmin
from conference.models import FileJob


@admin.register(FileJob)
class FileJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "edition", "requested_by", "status", "progress_done",
                    "progress_total", "size", "expires_at"]  # fmt: skip
    list_filter = ["status", "kind", "edition"]
    date_hierarchy = "created_at"
    list_select_related = ["edition", "requested_by"]
    fields = ["kind", "edition", "query", "language", "requested_by", "status", "progress_done",
              "progress_total", "filename", "size", "error", "created_at", "started_at",
              "finished_at", "expires_at"]  # fmt: skip
    readonly_fields = fields
