"""Read a PDF as a person sees it: its text, as poppler's pdftotext extracts it."""

import os
import shutil
import subprocess

import pytest


def pdf_text(content: bytes, *layout: str) -> str:
    """The text of a PDF as poppler's pdftotext extracts it. Without the program (Debian
    poppler-utils) the test is skipped on a developer's machine and fails in CI."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", *layout, "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def pdf_page_count(content: bytes) -> int:
    """How many pages a PDF has (it must be one: pypdf refuses anything else)."""
    import io

    import pypdf

    assert content.startswith(b"%PDF-"), content[:20]
    return len(pypdf.PdfReader(io.BytesIO(content)).pages)
