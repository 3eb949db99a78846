"""Initials avatars: an SVG drawn on the fly when a person or company has no picture."""

from __future__ import annotations

import hashlib

from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.html import escape

# Background colours that all give white text a contrast of at least 4.5:1 (WCAG AA).
AVATAR_COLOURS = (
    "#1d4ed8",
    "#0f766e",
    "#7c3aed",
    "#b91c1c",
    "#9a3412",
    "#166534",
    "#be185d",
    "#374151",
    "#1e40af",
    "#6d28d9",
)


def initials_of(name: str) -> str:
    """Up to two initials: first and last word of the name."""
    words = name.split()
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:1].upper()
    return (words[0][:1] + words[-1][:1]).upper()


def colour_for(seed: int) -> str:
    """A deterministic colour for an id, spread over the palette."""
    digest = hashlib.sha256(str(seed).encode()).digest()
    return AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]


def initials_avatar_svg(*, name: str, seed: int, rounded: bool = True) -> str:
    """A square SVG with the initials of ``name`` on a colour picked from ``seed``."""
    radius = "64" if rounded else "16"
    initials = escape(initials_of(name))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" '
        f'role="img" aria-label="{initials}">'
        f'<rect width="128" height="128" rx="{radius}" fill="{colour_for(seed)}"/>'
        '<text x="64" y="64" dy=".35em" text-anchor="middle" fill="#ffffff" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
        f'font-size="52" font-weight="600">{initials}</text></svg>'
    )


# Pictures are permission-checked, so caches must be private; a short max-age keeps a
# changed photo or a revoked visibility from lingering.
PICTURE_CACHE_CONTROL = "private, max-age=300"


def _etag(parts: str) -> str:
    return '"' + hashlib.sha256(parts.encode()).hexdigest()[:32] + '"'


def _not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = PICTURE_CACHE_CONTROL
        return response
    return None


def picture_response(
    request: HttpRequest,
    *,
    file: FieldFile | None,
    name: str,
    seed: int,
    version: str,
    rounded: bool,
) -> HttpResponse:
    """The stored picture with cache headers, else an initials avatar."""
    if file and file.name:
        file_name: str = file.name
        etag = _etag(f"{file_name}|{version}")
        cached = _not_modified(request, etag)
        if cached is not None:
            return cached
        try:
            handle = file.storage.open(file_name, "rb")
        except OSError:
            handle = None
        if handle is not None:
            with handle:
                data = handle.read()
            response = HttpResponse(data, content_type=_content_type(file_name))
            response["ETag"] = etag
            response["Cache-Control"] = PICTURE_CACHE_CONTROL
            return response
    svg = initials_avatar_svg(name=name, seed=seed, rounded=rounded)
    etag = _etag(svg)
    cached = _not_modified(request, etag)
    if cached is not None:
        return cached
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = PICTURE_CACHE_CONTROL
    # An SVG opened directly must not run anything.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _content_type(file_name: str) -> str:
    lowered = file_name.lower()
    if lowered.endswith(".png"):
        return "image/png"
    if lowered.endswith(".webp"):
        return "image/webp"
    if lowered.endswith(".gif"):
        return "image/gif"
    return "image/jpeg"
