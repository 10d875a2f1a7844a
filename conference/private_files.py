"""Storage for files that hold personal data: a directory named by a setting, outside
MEDIA_ROOT and STATIC_ROOT, with no URL (nothing in it is served directly; a view that checks
who may see a file streams it). The setting is read at each use, so tests can move it.

Used for the prepared files (``FILE_JOBS_DIR``) and the proposals' attachments
(``PROPOSALS_FILES_DIR``, ``proposals.models.private_storage``).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under the directory of ``settings.<setting>``."""

    def __init__(self, setting: str):
        self.setting = setting
        super().__init__()

    @property
    def base_location(self):  # type: ignore[override]
        return str(getattr(settings, self.setting))

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override]
        return None


_file_jobs_storage = PrivateStorage("FILE_JOBS_DIR")


def file_jobs_storage() -> PrivateStorage:
    """Where prepared files (``FileJob.file``) live: ``settings.FILE_JOBS_DIR``."""
    return _file_jobs_storage
