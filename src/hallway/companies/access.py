"""Permission layer for company pages.

Members see every company. Guests see the host company and their own company only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hallway.companies.models import Company
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer


def companies_visible_to(viewer: Viewer) -> QuerySet[Company]:
    if viewer.user is None:
        return Company.objects.none()
    if viewer.is_member:
        return Company.objects.all()
    return Company.objects.filter(Q(kind=Company.Kind.HOST) | Q(pk=viewer.user.company_id))


def access_company_by_id(viewer: Viewer, company_id: int) -> Company:
    """The company, or NotFound whether missing or hidden."""
    company = companies_visible_to(viewer).filter(pk=company_id).first()
    if company is None:
        raise NotFound
    return company


def access_company_by_slug(viewer: Viewer, slug: str) -> Company:
    company = companies_visible_to(viewer).filter(slug=slug).first()
    if company is None:
        raise NotFound
    return company


def can_edit_company(viewer: Viewer, company: Company) -> bool:
    return viewer.is_network_admin


def can_create_company(viewer: Viewer) -> bool:
    return viewer.is_network_admin
