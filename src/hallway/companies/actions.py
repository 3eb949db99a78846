"""Writes for company pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from hallway.companies.models import Company
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError

if TYPE_CHECKING:
    from hallway.accounts.models import User

EXTERNAL_KINDS = (Company.Kind.CUSTOMER, Company.Kind.PARTNER, Company.Kind.SUPPLIER)
NAME_MAX = 200
DESCRIPTION_MAX = 10_000
WEBSITE_MAX = 200
SLUG_MAX = 200
_DOMAIN = re.compile(r"^(?=.{1,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("Enter the company's name.", field="name")
    if len(name) > NAME_MAX:
        raise ActionError(f"A company name has at most {NAME_MAX} characters.", field="name")
    if Company.objects.filter(name__iexact=name).exists():
        raise ActionError("A company with this name already exists.", field="name", status=409)
    return name


def _check_kind(kind: str) -> str:
    if kind not in EXTERNAL_KINDS:
        choices = ", ".join(EXTERNAL_KINDS)
        raise ActionError(f"Kind must be one of: {choices}.", field="kind")
    return kind


def _check_website(website: str) -> str:
    website = (website or "").strip()
    if not website:
        return ""
    if len(website) > WEBSITE_MAX:
        raise ActionError(
            f"A website address has at most {WEBSITE_MAX} characters.", field="website"
        )
    try:
        URLValidator(schemes=["http", "https"])(website)
    except ValidationError as exc:
        raise ActionError(
            "Enter a full website address starting with https:// or http://.", field="website"
        ) from exc
    return website


def _check_email_domain(email_domain: str) -> str:
    domain = (email_domain or "").strip().lower().lstrip("@")
    if not domain:
        return ""
    if not _DOMAIN.match(domain):
        raise ActionError("Enter a domain such as example.com.", field="email_domain")
    if Company.objects.filter(email_domain__iexact=domain).exists():
        raise ActionError(
            "Another company already uses this email domain.", field="email_domain", status=409
        )
    return domain


def _unique_slug(name: str) -> str:
    base = slugify(name)[: SLUG_MAX - 8].strip("-")
    if not base:
        raise ActionError(
            "The name needs at least one letter or digit to make the page address.", field="name"
        )
    taken = set(Company.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def do_create_company(
    *,
    actor: User,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
    email_domain: str = "",
) -> Company:
    """Create an external company (customer, partner or supplier) with a unique slug.

    Callers check ``can_create_company`` first. Raises ActionError (status 400, or 409 for
    a name or email domain already in use); nothing is written then. Audited.
    """
    kind = _check_kind(kind)
    name = _check_name(name)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ActionError(
            f"A description has at most {DESCRIPTION_MAX} characters.", field="description"
        )
    website = _check_website(website)
    email_domain = _check_email_domain(email_domain)
    with transaction.atomic():
        company = Company(
            name=name,
            slug=_unique_slug(name),
            kind=kind,
            description=description,
            website=website,
            email_domain=email_domain,
        )
        try:
            company.full_clean(exclude=["logo"])
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise ActionError(" ".join(messages), field=field) from exc
        company.save()
        record_audit_event(actor=actor, action="company.create", target=company, kind=kind)
    return company


def do_update_company(
    *,
    actor: User,
    company: Company,
    name: str,
    description: str,
    website: str,
    email_domain: str | None = None,
) -> Company:
    """Change a company page's name, description, website (and email domain); all or nothing.

    Callers check ``can_edit_company`` first. Raises ActionError with the field at fault;
    nothing is written then. The slug (the page address) stays. Audited.
    """
    clean_name = " ".join((name or "").split())
    if not clean_name:
        raise ActionError("Enter the company's name.", field="name")
    if len(clean_name) > NAME_MAX:
        raise ActionError(f"A company name has at most {NAME_MAX} characters.", field="name")
    if Company.objects.filter(name__iexact=clean_name).exclude(pk=company.pk).exists():
        raise ActionError("A company with this name already exists.", field="name", status=409)
    clean_description = (description or "").strip()
    if len(clean_description) > DESCRIPTION_MAX:
        raise ActionError(
            f"A description has at most {DESCRIPTION_MAX} characters.", field="description"
        )
    clean_website = _check_website(website)
    changes = {"name": clean_name, "description": clean_description, "website": clean_website}
    if email_domain is not None:
        domain = (email_domain or "").strip().lower().lstrip("@")
        if domain and domain != company.email_domain:
            domain = _check_email_domain(domain)
        changes["email_domain"] = domain
    changed = sorted(field for field, value in changes.items() if getattr(company, field) != value)
    if not changed:
        return company
    with transaction.atomic():
        for field in changed:
            setattr(company, field, changes[field])
        company.save(update_fields=changed)
        record_audit_event(actor=actor, action="company.update", target=company, fields=changed)
    return company


def do_set_company_logo(*, actor: User, company: Company, data: bytes | None) -> Company:
    """Replace (or with None, remove) a company's logo; checked and resized like photos."""
    from django.core.files.base import ContentFile

    from hallway.profiles.actions import render_photo

    content = render_photo(data) if data is not None else None
    with transaction.atomic():
        old = company.logo.name if company.logo else None
        if content is None:
            company.logo = ""
        else:
            company.logo.save(f"{company.slug}.jpg", ContentFile(content), save=False)
        company.save(update_fields=["logo"])
        record_audit_event(
            actor=actor, action="company.logo", target=company, removed=content is None
        )
        if old and old != company.logo.name:
            storage = company.logo.storage
            transaction.on_commit(lambda: storage.delete(old))
    return company
