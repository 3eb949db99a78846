"""Text of uploaded files for the policy check.

Plain text and CSV are read directly; PDFs through pypdf. A small PDF is read during the
request; a larger one is read by a background task while the post waits, visible only to its
author (``hallway.policy.tasks.scan_held_files``), so a big upload never stalls a web worker.
"""

from __future__ import annotations

import io
import logging
from typing import IO

logger = logging.getLogger(__name__)

TEXT_TYPES = {"text/plain", "text/csv", "text/markdown"}
PDF_TYPE = "application/pdf"
MAX_TEXT_BYTES = 5 * 1024 * 1024
INLINE_PDF_BYTES = 512 * 1024
MAX_PDF_PAGES = 2000


def is_checked(content_type: str) -> bool:
    return content_type in TEXT_TYPES or content_type == PDF_TYPE


def needs_background_scan(content_type: str, size: int) -> bool:
    return content_type == PDF_TYPE and size > INLINE_PDF_BYTES


def extract_text(handle: IO[bytes], content_type: str) -> str:
    """The text of a file (empty for types the policy does not read)."""
    handle.seek(0)
    if content_type in TEXT_TYPES:
        return handle.read(MAX_TEXT_BYTES).decode("utf-8", errors="replace")
    if content_type == PDF_TYPE:
        return pdf_text(handle.read())
    return ""


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = []
        for index, page in enumerate(reader.pages):
            if index >= MAX_PDF_PAGES:
                break
            pages.append(page.extract_text() or "")
        return "\n".join(pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        # A PDF we cannot read is not let through unread: the caller holds it for review.
        logger.info("policy: unreadable PDF: %s", exc)
        raise UnreadableFileError from exc


class UnreadableFileError(Exception):
    pass
