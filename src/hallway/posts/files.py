"""Attachments: what may be uploaded, recognised by content (not by the name), and stored.

Allowed: images (JPEG, PNG, GIF, WebP — opened and verified with Pillow), PDF, Office
documents (OOXML: docx/xlsx/pptx; OpenDocument: odt/ods/odp; legacy OLE: doc/xls/ppt), plain
text, CSV and ZIP. The size limit is ``HALLWAY_MAX_ATTACHMENT_BYTES`` (20 MB by default).
An upload is labelled ``user:<uploader>`` until it is attached to a post, then carries the
post's audience; downloads go through ``posts.access.access_attachment_by_id``.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from hallway.core.errors import ActionError

DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 8192

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", {".jpg", ".jpeg"}),
    "PNG": ("image/png", {".png"}),
    "GIF": ("image/gif", {".gif"}),
    "WEBP": ("image/webp", {".webp"}),
}
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
OLE_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}


@dataclass(frozen=True)
class Sniffed:
    """What an upload really is."""

    content_type: str
    is_image: bool
    extension: str


def max_attachment_bytes() -> int:
    return int(getattr(settings, "HALLWAY_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


def clean_file_name(name: str) -> str:
    """A safe display and download name: no directories, no control characters."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = re.sub(r"[\x00-\x1f\x7f/\\\"<>|:*?]", "_", base)
    base = base.lstrip(".") or "file"
    stem, ext = os.path.splitext(base)
    return (stem[: 200 - len(ext[:20])] + ext[:20]) or "file"


def _sniff_image(stream: IO[bytes]) -> Sniffed | None:
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        stream.seek(0)
    if image_format not in IMAGE_TYPES:
        return None
    content_type, extensions = IMAGE_TYPES[image_format]
    return Sniffed(content_type=content_type, is_image=True, extension=sorted(extensions)[0])


def _sniff_zip(stream: IO[bytes], extension: str) -> Sniffed | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            mimetype = ""
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    finally:
        stream.seek(0)
    if mimetype in OPENDOCUMENT:
        return Sniffed(content_type=mimetype, is_image=False, extension=OPENDOCUMENT[mimetype])
    if "[Content_Types].xml" in names:
        for prefix, (content_type, ext) in OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return Sniffed(content_type=content_type, is_image=False, extension=ext)
    return Sniffed(content_type="application/zip", is_image=False, extension=".zip")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return False
    return True


MARKUP_SIGNS = (b"<html", b"<script", b"<!doctype", b"<svg", b"<body", b"<iframe", b"<?xml")


def _looks_like_markup(head: bytes) -> bool:
    """HTML, SVG or XML posing as text: refused, a browser might still render it."""
    lowered = head.lower()
    return any(sign in lowered for sign in MARKUP_SIGNS)


def sniff(stream: IO[bytes], name: str) -> Sniffed | None:
    """What the content is, from its bytes (the name only picks among text flavours and
    legacy Office types, which share one signature). ``None``: not an allowed type."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    extension = os.path.splitext(name)[1].lower()
    if (
        head[:3] == b"\xff\xd8\xff"
        or head[:8] == b"\x89PNG\r\n\x1a\n"
        or head[:6]
        in (
            b"GIF87a",
            b"GIF89a",
        )
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        return _sniff_image(stream)
    if head[:5] == b"%PDF-":
        return Sniffed(content_type="application/pdf", is_image=False, extension=".pdf")
    if head[:4] == b"PK\x03\x04":
        return _sniff_zip(stream, extension)
    if head[:8] == OLE_MAGIC:
        if extension in OLE_TYPES:
            return Sniffed(content_type=OLE_TYPES[extension], is_image=False, extension=extension)
        return None
    if head and _looks_like_text(head) and not _looks_like_markup(head):
        if extension == ".csv":
            return Sniffed(content_type="text/csv", is_image=False, extension=".csv")
        return Sniffed(content_type="text/plain", is_image=False, extension=".txt")
    return None


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def check_upload(upload: UploadedFile) -> Sniffed:
    """Refuse a file that is empty, too large, or not of an allowed type (ActionError)."""
    limit = max_attachment_bytes()
    size = _size_of(upload)
    if size == 0:
        raise ActionError("This file is empty.", field="attachments")
    if size > limit:
        raise ActionError(
            f"“{clean_file_name(upload.name or 'file')}” is larger than the limit of "
            f"{limit // (1024 * 1024)} MB.",
            field="attachments",
            status=413,
        )
    sniffed = sniff(upload, upload.name or "")
    if sniffed is None:
        raise ActionError(
            f"“{clean_file_name(upload.name or 'file')}” is not a file type Hallway accepts: "
            "images (JPEG, PNG, GIF, WebP), PDF, Office documents, text, CSV or ZIP.",
            field="attachments",
            status=415,
        )
    return sniffed


def download_name(name: str, sniffed_extension: str) -> str:
    """The name with an extension matching the content, so a download opens as what it is."""
    stem, ext = os.path.splitext(clean_file_name(name))
    if ext.lower() in {".jpg", ".jpeg"} and sniffed_extension == ".jpg":
        return stem + ext
    if ext.lower() != sniffed_extension:
        return f"{stem}{ext}{sniffed_extension}" if ext else f"{stem}{sniffed_extension}"
    return stem + ext
