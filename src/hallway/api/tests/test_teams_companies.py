"""/teams and /companies: members see the tree and all companies; guests see little."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallway.api.tests.conftest import ApiClient, client_for
from hallway.companies.models import Company
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import CompanyFactory, TeamFactory, UserFactory
from hallway.profiles.actions import do_update_profile, ensure_profile

pytestmark = pytest.mark.django_db


def test_teams_flat_list_with_parent_lead_and_counts(network):
    response = client_for(network.member).get("teams")
    assert response.status == 200
    teams = {team["slug"]: team for team in response.data["results"]}
    assert teams["engineering"]["parent_id"] is None
    assert teams["engineering"]["lead"]["id"] == network.manager.pk
    assert teams["engineering"]["member_count"] == 1
    assert teams["platform"]["parent_id"] == network.engineering.pk
    assert teams["platform"]["member_count"] == 1


def test_team_detail_with_members_page(network):
    response = client_for(network.member).get(f"teams/{network.platform.pk}")
    assert response.status == 200
    data = response.data
    assert data["parent"]["slug"] == "engineering"
    assert data["children"] == []
    assert [m["id"] for m in data["members"]["results"]] == [network.engineer.pk]
    parent = client_for(network.member).get(f"teams/{network.engineering.pk}").data
    assert [c["slug"] for c in parent["children"]] == ["platform"]


def test_guests_see_no_teams(network):
    client = client_for(network.guest)
    assert client.get("teams").data == {"results": [], "next": None}
    hidden = client.get(f"teams/{network.platform.pk}")
    assert hidden.status == 404
    assert hidden.raw.content == client.get("teams/987654").raw.content


def test_team_list_query_count_does_not_grow(network):
    for number in range(60):
        team = TeamFactory(
            name=f"Team Z{number:02d}", lead=network.manager, parent=network.engineering
        )
        person = UserFactory()
        do_update_profile(actor=person, profile=ensure_profile(person), changes={"team": team})
    client = client_for(network.member)
    client.get("teams")
    counts = {}
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("teams", params={"limit": limit})
        assert len(response.data["results"]) == limit
        counts[limit] = len(queries)
    assert counts[5] == counts[50] <= 4


def test_companies_for_members_and_guests(network):
    member_view = client_for(network.member).get("companies")
    assert {c["slug"] for c in member_view.data["results"]} == {"northwind", "acme", "globex"}
    guest_view = client_for(network.guest).get("companies")
    assert {c["slug"] for c in guest_view.data["results"]} == {"northwind", "acme"}
    hidden = client_for(network.guest).get(f"companies/{network.globex.pk}")
    missing = client_for(network.guest).get("companies/987654")
    assert hidden.status == missing.status == 404
    assert hidden.raw.content == missing.raw.content
    acme = client_for(network.guest).get(f"companies/{network.acme.pk}")
    assert acme.data["people_count"] == 2
    partners = client_for(network.member).get("companies", params={"kind": "partner"})
    assert [c["slug"] for c in partners.data["results"]] == ["globex"]


def test_companies_list_query_count_does_not_grow(network):
    for number in range(60):
        CompanyFactory(name=f"Zeta {number:02d}", slug=f"zeta-{number}")
    client = client_for(network.member)
    client.get("companies")
    counts = {}
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("companies", params={"limit": limit, "q": "zeta"})
        assert len(response.data["results"]) == limit
        counts[limit] = len(queries)
    assert counts[5] == counts[50] <= 3


def test_admin_creates_a_company_with_unique_slug(network):
    client = client_for(network.admin)
    body = {
        "name": "Initech",
        "kind": "customer",
        "website": "https://initech.example",
        "email_domain": "@Initech.Example",
    }
    response = client.post("companies", body)
    assert response.status == 201
    assert response.data["slug"] == "initech"
    assert response.data["email_domain"] == "initech.example"
    assert AuditEvent.objects.filter(action="company.create", actor=network.admin).count() == 1
    CompanyFactory(name="Other", slug="initech-ltd")
    second = client.post("companies", {"name": "Initech Ltd", "kind": "partner"})
    assert second.data["slug"] == "initech-ltd-2"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "Acme Logistics", "kind": "customer"}, 409, "name"),
        ({"name": "New Co", "kind": "host"}, 422, None),
        ({"name": "New Co", "kind": "customer", "website": "javascript:alert(1)"}, 400, "website"),
        (
            {"name": "New Co", "kind": "customer", "email_domain": "not a domain"},
            400,
            "email_domain",
        ),
        ({"name": "   ", "kind": "customer"}, 400, "name"),
        ({"name": "!!!", "kind": "customer"}, 400, "name"),
        ({"kind": "customer"}, 422, None),
    ],
)
def test_company_creation_errors_change_nothing(network, body, status, field):
    before = Company.objects.count()
    response = client_for(network.admin).post("companies", body)
    assert response.status == status
    if field:
        assert response.data["field"] == field
    assert Company.objects.count() == before


def test_only_network_admins_create_companies(network):
    body = {"name": "Sneaky", "kind": "customer"}
    assert client_for(network.member).post("companies", body).status == 403
    assert client_for(network.guest).post("companies", body).status == 403
    assert client_for(network.member).post("companies", {"bad": "body"}).status == 403
    assert ApiClient().post("companies", body).status == 401
    assert not Company.objects.filter(name="Sneaky").exists()
