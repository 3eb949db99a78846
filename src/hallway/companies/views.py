"""Company pages: the list, one company with its people, the logo, editing and following."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from hallway.companies.access import (
    access_company_by_slug,
    can_edit_company,
    companies_visible_to,
)
from hallway.companies.actions import do_set_company_logo, do_update_company
from hallway.companies.forms import CompanyForm
from hallway.core.avatars import picture_response
from hallway.core.cursors import BadCursor
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import request_viewer
from hallway.feed.selectors import company_feed
from hallway.posts.forms import composer_form_for
from hallway.profiles.actions import PHOTO_MAX_BYTES, do_follow, do_unfollow
from hallway.profiles.org import is_following
from hallway.profiles.selectors import DirectoryFilters
from hallway.profiles.views import directory_page_context

COMPANIES_PER_PAGE = 50
SECTION_POSTS = 5  # internal posts shown on the company page; more on /feed/companies/…


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


@login_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    paginator = Paginator(companies_visible_to(viewer).order_by("name", "pk"), COMPANIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "companies/company_list.html",
        {"page": page, "can_edit": viewer.is_network_admin},
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    company = access_company_by_slug(viewer, slug)
    status = 200
    context: dict[str, Any] = {
        "company": company,
        "can_edit": can_edit_company(viewer, company),
        "following": is_following(viewer, company_id=company.pk),
        "follow_url": reverse("company_follow", kwargs={"slug": company.slug}),
        "cards": [],
        "next_cursor": None,
        "error": "",
        "is_later_page": bool(request.GET.get("cursor")),
        "posts": company_feed(viewer, company, limit=SECTION_POSTS) if viewer.is_member else None,
        "posts_viewer": viewer,
        "posts_more_url": reverse("company_posts", kwargs={"slug": company.slug}) + "?cursor=",
        "composer_form": composer_form_for(viewer) if viewer.is_member else None,
    }
    try:
        context.update(
            directory_page_context(
                viewer, DirectoryFilters(company_id=company.pk), request.GET.get("cursor")
            )
        )
    except BadCursor:
        context["error"] = "This page link is not valid any more. Start again from the first page."
        status = 400
    template = (
        "profiles/_people_page.html" if _is_partial(request) else "companies/company_detail.html"
    )
    return render(request, template, context, status=status)


@login_required
@require_GET
def company_logo(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    company = access_company_by_slug(viewer, slug)
    return picture_response(
        request,
        file=company.logo or None,
        name=company.name,
        seed=company.pk,
        version=company.slug,
        rounded=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    company = access_company_by_slug(viewer, slug)
    if not can_edit_company(viewer, company):
        raise PermissionDenied("Only network admins may edit company pages.")
    status = 200
    if request.method == "POST":
        form = CompanyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            logo = data.get("logo")
            try:
                do_update_company(
                    actor=viewer.user,  # type: ignore[arg-type]
                    company=company,
                    name=data["name"],
                    description=data["description"],
                    website=data["website"],
                    email_domain=data["email_domain"],
                )
                if logo is not None:
                    do_set_company_logo(
                        actor=viewer.user,  # type: ignore[arg-type]
                        company=company,
                        data=logo.read(PHOTO_MAX_BYTES + 1),
                    )
                elif data.get("remove_logo") and company.logo:
                    do_set_company_logo(actor=viewer.user, company=company, data=None)  # type: ignore[arg-type]
            except ActionError as exc:
                field = "logo" if exc.field == "photo" else exc.field
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, "Company page saved.")
                return redirect("company_detail", slug=company.slug)
        status = 400
        # The name in the header must stay the saved one if validation failed.
        company = access_company_by_slug(viewer, slug)
    else:
        form = CompanyForm(
            initial={
                "name": company.name,
                "description": company.description,
                "website": company.website,
                "email_domain": company.email_domain,
            }
        )
    return render(
        request, "companies/company_edit.html", {"company": company, "form": form}, status=status
    )


@login_required
@require_POST
def company_follow(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_viewer(request)
    company = access_company_by_slug(viewer, slug)
    follow = request.POST.get("action", "follow") != "unfollow"
    if follow:
        do_follow(follower=viewer.user, company=company)  # type: ignore[arg-type]
    else:
        do_unfollow(follower=viewer.user, company=company)  # type: ignore[arg-type]
    if _is_partial(request):
        return render(
            request,
            "profiles/_follow_button.html",
            {
                "following": follow,
                "follow_url": reverse("company_follow", kwargs={"slug": company.slug}),
                "subject": company.name,
            },
        )
    return HttpResponseRedirect(reverse("company_detail", kwargs={"slug": company.slug}))
