"""Small template helpers for the site layout."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_current(context: dict[str, Any], prefix: str, *, exact: bool = False) -> SafeString:
    """``aria-current="page"`` when the request path is (under) ``prefix``."""
    request = context.get("request")
    path = getattr(request, "path", "")
    matches = path == prefix if exact else path.startswith(prefix)
    return mark_safe('aria-current="page"') if matches else mark_safe("")


@register.simple_tag
def person_avatar(person: Any, size: int = 48, css_class: str = "avatar") -> SafeString:
    """The person's photo (or initials avatar); decorative, since the name is beside it."""
    from django.urls import reverse

    return format_html(
        '<img class="{}" src="{}" alt="" width="{}" height="{}" loading="lazy" decoding="async">',
        css_class,
        reverse("person_photo", kwargs={"user_id": person.pk}),
        size,
        size,
    )


@register.simple_tag
def company_logo(company: Any, size: int = 40, css_class: str = "logo") -> SafeString:
    from django.urls import reverse

    return format_html(
        '<img class="{}" src="{}" alt="" width="{}" height="{}" loading="lazy" decoding="async">',
        css_class,
        reverse("company_logo", kwargs={"slug": company.slug}),
        size,
        size,
    )
