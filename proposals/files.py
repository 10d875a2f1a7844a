"""Attachments are recognised by their content, never by their name or declared type.

- PDF: starts with ``%PDF-``.
- DOCX / XLSX: a real zip archive whose ``[Content_Types].xml`` declares the main part of a Word
  document (``/word/document.xml``) or an Excel workbook (``/xl/workbook.xml``), and which holds
  that part. Macro-enabled documents, other zips, HTML, executables and anything else are refused
  with a message that names the file.

Sizes: ``PROPOSAL_FILE_MAX_MB`` per file, ``PROPOSAL_FILES_TOTAL_MAX_MB`` and
``PROPOSAL_FILES_MAX_COUNT`` per proposal.
"""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN_PARTS = {
    "docx": (
        "/word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "/xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
_MAX_CONTENT_TYPES_BYTES = 256 * 1024


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _refused(name: str):
    return ValidationError(
        _(
            "“%(name)s” is not a PDF, Word (DOCX) or Excel (XLSX) file. Only these kinds of file "
            "are accepted, recognised by their content (renaming a file does not change it)."
        )
        % {"name": name},
        code="file_kind",
    )


def _office_kind(upload, name: str) -> str:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                raise _refused(name) from None
            if info.file_size > _MAX_CONTENT_TYPES_BYTES:
                raise _refused(name)
            root = ElementTree.fromstring(archive.read(info))
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, RuntimeError, ValueError):
        raise _refused(name) from None
    overrides = {
        element.get("PartName"): element.get("ContentType")
        for element in root.iter(f"{_CONTENT_TYPES_NS}Override")
    }
    for kind, (part, content_type) in MAIN_PARTS.items():
        if overrides.get(part) == content_type and part.lstrip("/") in names:
            return kind
    raise _refused(name)


def detect_kind(upload, name: str | None = None) -> str:
    """``"pdf"``, ``"docx"`` or ``"xlsx"`` from the content of ``upload`` (a file object);
    raises ``ValidationError`` with a translated message for anything else."""
    name = name or getattr(upload, "name", "") or "?"
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload, name)
        upload.seek(0)
        return kind
    raise _refused(name)


def check_size(*, size: int, name: str, already: int, count: int) -> None:
    """Refuse an empty or oversize file, or one more than a proposal may hold."""
    per_file = settings.PROPOSAL_FILE_MAX_MB * 1024 * 1024
    total = settings.PROPOSAL_FILES_TOTAL_MAX_MB * 1024 * 1024
    if size <= 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    if size > per_file:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; a file may be at most %(max)s MB.")
            % {"name": name, "size": _mb(size), "max": settings.PROPOSAL_FILE_MAX_MB},
            code="file_too_big",
        )
    if count >= settings.PROPOSAL_FILES_MAX_COUNT:
        raise ValidationError(
            _("A proposal may have at most %(count)s files.")
            % {"count": settings.PROPOSAL_FILES_MAX_COUNT},
            code="too_many_files",
        )
    if already + size > total:
        raise ValidationError(
            _(
                "The files of a proposal may total at most %(max)s MB; with “%(name)s” they would "
                "total %(size)s MB."
            )
            % {
                "name": name,
                "size": _mb(already + size),
                "max": settings.PROPOSAL_FILES_TOTAL_MAX_MB,
            },
            code="files_too_big",
        )
