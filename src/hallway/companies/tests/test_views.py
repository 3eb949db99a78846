"""Company pages: list, detail with people, logo, editing and following."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import CompanyFactory, GuestFactory, UserFactory, host_company
from hallway.profiles.models import Follow

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("healthz"))
    return client


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), "navy").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("company_list", {}),
        ("company_detail", {"slug": "x"}),
        ("company_logo", {"slug": "x"}),
        ("company_edit", {"slug": "x"}),
    ],
)
def test_anonymous_is_sent_to_sign_in(client: Client, name: str, kwargs: dict) -> None:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_sees_every_company_and_its_people() -> None:
    host = host_company()
    acme = CompanyFactory(name="Acme Logistics", slug="acme", description="Freight forwarding")
    GuestFactory(name="Gus Guest", company=acme)
    UserFactory(name="Hal Host")
    client = client_for(UserFactory())
    listing = client.get(reverse("company_list")).content.decode()
    assert host.name in listing and "Acme Logistics" in listing and "Customer" in listing
    detail = client.get(reverse("company_detail", args=["acme"])).content.decode()
    assert "Freight forwarding" in detail and "Gus Guest" in detail and "Hal Host" not in detail
    assert "Edit company" not in detail


def test_guest_sees_only_host_and_own_company() -> None:
    host = host_company()
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    CompanyFactory(name="Globex", slug="globex")
    guest = GuestFactory(company=acme)
    client = client_for(guest)
    listing = client.get(reverse("company_list")).content.decode()
    assert host.name in listing and "Acme Logistics" in listing and "Globex" not in listing
    assert client.get(reverse("company_detail", args=["globex"])).status_code == 404
    assert client.get(reverse("company_logo", args=["globex"])).status_code == 404
    assert client.post(reverse("company_follow", args=["globex"])).status_code == 404
    assert client.get(reverse("company_detail", args=["acme"])).status_code == 200
    assert client.get(reverse("company_edit", args=["acme"])).status_code == 403


@pytest.mark.parametrize("count", [5, 30])
def test_company_page_query_count_is_independent_of_people(
    django_assert_max_num_queries, count: int
) -> None:
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    for _ in range(count):
        GuestFactory(company=acme)
    client = client_for(UserFactory())
    # 7 for the page and its people; the members' "internal posts" section adds the viewer's
    # labels (3), the page of posts (1), the composer (up to 5) and, when there are posts,
    # their cards' hydration (up to 8).
    with django_assert_max_num_queries(24):
        response = client.get(reverse("company_detail", args=["acme"]))
    assert response.status_code == 200


def test_company_list_query_count_is_fixed(django_assert_max_num_queries) -> None:
    for n in range(60):
        CompanyFactory(name=f"Company {n:02d}", slug=f"company-{n:02d}")
    client = client_for(UserFactory())
    with django_assert_max_num_queries(5):
        response = client.get(reverse("company_list"))
    assert "Next page" in response.content.decode()


def test_logo_falls_back_to_escaped_svg() -> None:
    CompanyFactory(name="<b>Evil & Co</b>", slug="evil")
    response = client_for(UserFactory()).get(reverse("company_logo", args=["evil"]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "<b>" not in body and "&lt;" in body


def test_follow_and_unfollow_company() -> None:
    acme = CompanyFactory(name="Acme Logistics", slug="acme")
    member = UserFactory()
    client = client_for(member)
    assert client.post(reverse("company_follow", args=["acme"])).status_code == 302
    assert Follow.objects.filter(follower=member, company=acme).exists()
    response = client.post(
        reverse("company_follow", args=["acme"]), {"action": "unfollow"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Follow" in response.content.decode()
    assert not Follow.objects.filter(follower=member, company=acme).exists()


def test_admin_edits_company_with_logo() -> None:
    CompanyFactory(name="Acme Logistics", slug="acme")
    admin = UserFactory(is_network_admin=True)
    client = client_for(admin)
    assert client.get(reverse("company_edit", args=["acme"])).status_code == 200
    response = client.post(
        reverse("company_edit", args=["acme"]),
        {
            "name": "Acme Logistics GmbH",
            "description": "Our biggest customer",
            "website": "https://acme.example",
            "email_domain": "acme.example",
            "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    acme = Company.objects.get(slug="acme")
    assert acme.name == "Acme Logistics GmbH" and acme.website == "https://acme.example"
    assert acme.logo
    assert AuditEvent.objects.filter(action="company.update", actor=admin).exists()
    logo = client.get(reverse("company_logo", args=["acme"]))
    assert logo["Content-Type"] == "image/jpeg"


def test_company_edit_errors_save_nothing() -> None:
    CompanyFactory(name="Acme Logistics", slug="acme")
    CompanyFactory(name="Globex", slug="globex")
    client = client_for(UserFactory(is_network_admin=True))
    response = client.post(
        reverse("company_edit", args=["acme"]),
        {"name": "Globex", "website": "not a url", "description": "changed"},
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    acme = Company.objects.get(slug="acme")
    assert acme.name == "Acme Logistics" and acme.description == ""
    bad_logo = client.post(
        reverse("company_edit", args=["acme"]),
        {"name": "Acme Logistics", "logo": SimpleUploadedFile("x.png", b"nope")},
    )
    assert bad_logo.status_code == 400
    assert "not an image" in bad_logo.content.decode()
