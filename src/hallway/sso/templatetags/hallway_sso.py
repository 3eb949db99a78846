from django import template

from hallway.sso.selectors import enabled_providers

register = template.Library()


@register.simple_tag
def sso_available() -> bool:
    """Whether the sign-in page offers "Continue with your company account"."""
    return bool(enabled_providers())
