"""``/companies``: the host company and the external ones (customers, partners, suppliers)."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from hallway.api.auth import api_viewer, network_admin
from hallway.api.pagination import PageParams, page_by_name
from hallway.api.schemas import (
    CompanyDetailOut,
    CompanyIn,
    CompanyPage,
    Id,
    ShortText,
    responses,
)
from hallway.api.serializers import company_json
from hallway.companies.access import access_company_by_id, can_create_company, companies_visible_to
from hallway.companies.actions import do_create_company
from hallway.companies.models import Company
from hallway.core.errors import PermissionDenied
from hallway.core.permissions import Viewer
from hallway.profiles.access import people_visible_to
from hallway.profiles.org import is_following

router = Router(tags=["companies"], exclude_unset=True)


class CompanyParams(PageParams):
    q: ShortText = Field("", description="Part of the company's name.")
    kind: Literal["host", "customer", "partner", "supplier"] | None = None


def company_detail_json(viewer: Viewer, company: Company) -> dict[str, Any]:
    return {
        **company_json(company),
        "people_count": people_visible_to(viewer).filter(company_id=company.pk).count(),
        "is_following": is_following(viewer, company=company),
    }


@router.get("/companies", response=responses({200: CompanyPage}), summary="Companies")
def list_companies(request: HttpRequest, params: Query[CompanyParams]) -> dict[str, Any]:
    """The companies you may see, by name. Guests see the host company and their own."""
    companies = companies_visible_to(api_viewer(request))
    if params.q.strip():
        companies = companies.filter(name__icontains=params.q.strip())
    if params.kind:
        companies = companies.filter(kind=params.kind)
    rows, next_cursor = page_by_name(companies, params)
    return {"results": [company_json(company) for company in rows], "next": next_cursor}


@router.get(
    "/companies/{company_id}", response=responses({200: CompanyDetailOut}), summary="One company"
)
def get_company(request: HttpRequest, company_id: Id) -> dict[str, Any]:
    """A company page; one you may not see answers like one that does not exist."""
    viewer = api_viewer(request)
    return company_detail_json(viewer, access_company_by_id(viewer, company_id))


@router.post(
    "/companies",
    response=responses({201: CompanyDetailOut}, conflict=True),
    auth=network_admin,
    summary="Add a company (network admins)",
)
def create_company(request: HttpRequest, payload: CompanyIn) -> Status[dict[str, Any]]:
    """Add a customer, partner or supplier. Its page address (slug) is made from the name."""
    viewer = api_viewer(request)
    if not can_create_company(viewer) or viewer.user is None:
        raise PermissionDenied("Only network admins can add companies.")
    company = do_create_company(
        actor=viewer.user,
        name=payload.name,
        kind=payload.kind,
        description=payload.description,
        website=payload.website,
        email_domain=payload.email_domain,
    )
    return Status(201, company_detail_json(viewer, company))
