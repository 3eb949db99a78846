"""SCIM operations and error cases, through the real views and actions."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from hallway.accounts.actions import do_create_api_token
from hallway.accounts.models import User
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import TEST_PASSWORD, GuestFactory, UserFactory
from hallway.scim.actions import do_create_scim_client, do_revoke_scim_client
from hallway.scim.models import ScimClient
from hallway.scim.tests.conftest import ScimClient as ScimHttp
from hallway.scim.tests.conftest import user_body

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
pytestmark = pytest.mark.django_db


def _error(response, status: int, scim_type: str | None = None) -> None:
    assert response.status_code == status, response.data
    assert response["Content-Type"].startswith("application/scim+json")
    assert response.data["schemas"] == [ERROR]
    assert response.data["status"] == str(status)
    if scim_type:
        assert response.data["scimType"] == scim_type


def test_discovery_endpoints(scim) -> None:
    config = scim.get("/ServiceProviderConfig")
    assert config.status_code == 200
    assert config["Content-Type"].startswith("application/scim+json")
    assert config.data["patch"]["supported"] is True
    assert config.data["filter"] == {"supported": True, "maxResults": 200}
    types = scim.get("/ResourceTypes").data
    assert {r["id"] for r in types["Resources"]} == {"User", "Group"}
    assert scim.get("/ResourceTypes/User").data["schemaExtensions"][0]["schema"] == ENTERPRISE
    schemas = scim.get("/Schemas").data
    assert {s["id"] for s in schemas["Resources"]} >= {ENTERPRISE}
    _error(scim.get("/Schemas/nope"), 404)
    _error(scim.post("/ServiceProviderConfig", {}), 405)
    _error(scim.get("/Nothing/here"), 404)


def test_no_token_wrong_token_revoked_token_get_401(scim, scim_token) -> None:
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer scim_nope"},
        {"HTTP_AUTHORIZATION": "Basic x"},
    ):
        response = Client().get("/scim/v2/Users", **headers)
        _error_like = response.json()
        assert response.status_code == 401
        assert _error_like["status"] == "401"
        assert "Bearer" in response["WWW-Authenticate"]
    do_revoke_scim_client(actor=None, client=ScimClient.objects.get())
    assert scim.get("/Users").status_code == 401


def test_api_tokens_and_sessions_cannot_reach_scim_and_scim_token_cannot_reach_api(
    scim, scim_token
) -> None:
    admin = UserFactory(is_network_admin=True)
    _, api_token = do_create_api_token(user=admin, name="script")
    assert (
        Client().get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code == 401
    )
    browser = Client()
    browser.force_login(admin)
    assert browser.get("/scim/v2/Users").status_code == 401
    api = Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {scim_token}")
    assert api.status_code == 401
    assert (
        Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code == 200
    )


def test_create_get_and_conflict(scim) -> None:
    body = user_body(
        title="Engineer",
        externalId="ext-1",
        **{
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            ENTERPRISE: {"department": "Platform", "employeeNumber": "E-7"},
        },
    )
    created = scim.post("/Users", body)
    assert created.status_code == 201, created.data
    assert created["Location"].endswith(f"/scim/v2/Users/{created.data['id']}")
    user = User.objects.get(pk=created.data["id"])
    assert (user.email, user.name, user.kind, user.is_active) == (
        "alice@northwind.example",
        "Alice Liddell",
        "member",
        True,
    )
    assert user.profile.title == "Engineer"
    assert user.profile.team.name == "Platform"
    fetched = scim.get(f"/Users/{user.pk}").data
    assert fetched["userName"] == "alice@northwind.example"
    assert fetched["externalId"] == "ext-1"
    assert fetched[ENTERPRISE] == {"department": "Platform", "employeeNumber": "E-7"}
    assert fetched["groups"][0]["display"] == "Platform"
    _error(scim.post("/Users", body), 409, "uniqueness")
    _error(scim.post("/Users", user_body("ALICE@northwind.example")), 409, "uniqueness")
    assert AuditEvent.objects.filter(action="scim.user.create", target_id=str(user.pk)).count() == 1


def test_bad_requests(scim) -> None:
    _error(scim.request("POST", "/Users", None), 400)
    response = scim.http.post(
        "/scim/v2/Users",
        data="{not json",
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim.token}",
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidSyntax"
    missing_user_name = user_body()
    del missing_user_name["userName"]
    _error(scim.post("/Users", missing_user_name), 400)
    _error(scim.get("/Users?filter=userName%20zz%20%22x%22"), 400, "invalidFilter")
    _error(scim.get("/Users?filter=nickName%20eq%20%22x%22"), 400, "invalidFilter")
    _error(scim.get("/Users/999999"), 404)
    _error(scim.get("/Users/abc"), 404)
    manager = user_body("bob@northwind.example", **{ENTERPRISE: {"manager": {"value": "424242"}}})
    manager["schemas"].append(ENTERPRISE)
    _error(scim.post("/Users", manager), 400, "invalidValue")


def test_guests_are_not_served(scim) -> None:
    guest = GuestFactory()
    _error(scim.get(f"/Users/{guest.pk}"), 404)
    assert scim.get("/Users").data["totalResults"] == 0


@pytest.fixture
def people(scim):
    ids = {}
    for user_name, given, family, active in (
        ("ann@northwind.example", "Ann", "Archer", True),
        ("ben@northwind.example", "Ben", "Baker", True),
        ("cat@northwind.example", "Cat", "Archer", False),
    ):
        body = user_body(user_name, name={"givenName": given, "familyName": family}, active=active)
        body["externalId"] = f"x-{given.lower()}"
        ids[given] = scim.post("/Users", body).data["id"]
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('userName eq "ANN@northwind.example"', {"Ann"}),
        ('userName sw "b"', {"Ben"}),
        ('emails.value co "cat@"', {"Cat"}),
        ('emails[type eq "work" and value sw "ann"]', {"Ann"}),
        ('externalId eq "x-ben"', {"Ben"}),
        ('externalId eq "X-BEN"', set()),
        ('name.familyName eq "archer"', {"Ann", "Cat"}),
        ('displayName co "Baker"', {"Ben"}),
        ("active eq false", {"Cat"}),
        ('name.familyName eq "Archer" and active eq true', {"Ann"}),
        ('userName eq "ben@northwind.example" or externalId eq "x-cat"', {"Ben", "Cat"}),
        ("externalId pr", {"Ann", "Ben", "Cat"}),
        ('not (name.familyName eq "Archer")', {"Ben"}),
    ],
)
def test_filters(scim, people, query, expected) -> None:
    response = scim.get("/Users", QUERY_STRING="")
    response = scim.http.get(
        "/scim/v2/Users", {"filter": query}, HTTP_AUTHORIZATION=f"Bearer {scim.token}"
    )
    assert response.status_code == 200, response.content
    found = {r["name"]["givenName"] for r in response.json()["Resources"]} if expected else set()
    assert found == expected
    assert response.json()["totalResults"] == len(expected)


def test_sorting_and_pagination(scim, people, django_assert_max_num_queries) -> None:
    def page(**params):
        return scim.http.get(
            "/scim/v2/Users", params, HTTP_AUTHORIZATION=f"Bearer {scim.token}"
        ).json()

    descending = page(sortBy="userName", sortOrder="descending")
    assert [r["userName"][:3] for r in descending["Resources"]] == ["cat", "ben", "ann"]
    second = page(sortBy="userName", startIndex=2, count=1)
    assert (second["startIndex"], second["itemsPerPage"], second["totalResults"]) == (2, 1, 3)
    assert second["Resources"][0]["userName"].startswith("ben")
    assert "Resources" not in page(count=0) and page(count=0)["totalResults"] == 3
    assert page(startIndex=0, count=-5)["itemsPerPage"] == 0
    with django_assert_max_num_queries(6):
        page(count=50)
    only = page(attributes="userName")["Resources"][0]
    assert set(only) <= {"schemas", "id", "userName", "meta"}
    assert "emails" not in page(excludedAttributes="emails")["Resources"][0]


def test_search_post(scim, people) -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": 'userName sw "a"',
    }
    found = scim.post("/Users/.search", body).data
    assert found["totalResults"] == 1


def test_patch_operations(scim, people) -> None:
    uid = people["Ann"]
    response = scim.patch(
        f"/Users/{uid}",
        {
            "op": "replace",
            "path": 'emails[type eq "work"].value',
            "value": "ann.archer@northwind.example",
        },
        {"op": "Add", "path": "title", "value": "Director"},
        {"op": "replace", "value": {"displayName": "Ann A.", f"{ENTERPRISE}:department": "Sales"}},
        {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": people["Ben"]}},
    )
    assert response.status_code == 200, response.data
    user = User.objects.get(pk=uid)
    assert user.email == "ann.archer@northwind.example"
    assert user.name == "Ann A."
    assert user.profile.title == "Director"
    assert user.profile.team.name == "Sales"
    assert user.profile.manager_id == int(people["Ben"])
    removed = scim.patch(
        f"/Users/{uid}",
        {"op": "remove", "path": "title"},
        {"op": "remove", "path": f"{ENTERPRISE}:manager"},
    )
    assert removed.status_code == 200
    user.profile.refresh_from_db()
    assert (user.profile.title, user.profile.manager_id) == ("", None)
    _error(scim.patch(f"/Users/{uid}", {"op": "remove", "path": "active"}), 400)
    _error(scim.patch(f"/Users/{uid}", {"op": "jump", "path": "title"}), 400)
    # A manager loop is refused and changes nothing (PATCH is atomic).
    scim.patch(
        f"/Users/{people['Ben']}",
        {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": uid}},
    )
    loop = scim.patch(
        f"/Users/{uid}",
        {"op": "replace", "path": "title", "value": "Boss"},
        {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": people["Ben"]}},
    )
    _error(loop, 400)
    user.profile.refresh_from_db()
    assert user.profile.title == ""


def test_put_replaces(scim, people) -> None:
    uid = people["Ben"]
    body = user_body("ben@northwind.example", name={"formatted": "Benjamin Baker"}, active=True)
    response = scim.put(f"/Users/{uid}", body)
    assert response.status_code == 200, response.data
    assert "externalId" not in response.data
    assert User.objects.get(pk=uid).name == "Benjamin Baker"
    _error(scim.put("/Users/987654", body), 404)
    taken = scim.put(f"/Users/{uid}", user_body("ann@northwind.example"))
    _error(taken, 409, "uniqueness")


def test_deactivation_ends_sessions_and_api_tokens_at_once(scim) -> None:
    uid = scim.post("/Users", user_body("dora@northwind.example")).data["id"]
    dora = User.objects.get(pk=uid)
    dora.set_password(TEST_PASSWORD)
    dora.save()
    browser = Client()
    assert (
        browser.post(
            "/accounts/login/", {"login": dora.email, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    assert browser.get("/accounts/settings/").status_code == 200
    _, api_token = do_create_api_token(user=dora, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert api.get("/api/v1/people").status_code == 200

    response = scim.patch(f"/Users/{uid}", {"op": "replace", "value": {"active": False}})
    assert response.status_code == 200
    assert response.data["active"] is False
    assert browser.get("/accounts/settings/").status_code == 302
    assert api.get("/api/v1/people").status_code == 401
    dora.refresh_from_db()
    assert dora.state == "deactivated"

    reactivated = scim.patch(f"/Users/{uid}", {"op": "replace", "path": "active", "value": True})
    assert reactivated.data["active"] is True
    dora.refresh_from_db()
    assert dora.state == "active"
    assert api.get("/api/v1/people").status_code == 401  # old tokens stay revoked


def test_delete_deactivates_hides_and_keeps_the_account(scim) -> None:
    uid = scim.post("/Users", user_body("eve@northwind.example")).data["id"]
    assert scim.delete(f"/Users/{uid}").status_code == 204
    _error(scim.get(f"/Users/{uid}"), 404)
    _error(scim.delete(f"/Users/{uid}"), 404)
    eve = User.objects.get(pk=uid)
    assert eve.state == "deactivated"
    assert (
        scim.get("/Users?filter=userName%20eq%20%22eve@northwind.example%22").data["totalResults"]
        == 0
    )
    again = scim.post("/Users", user_body("eve@northwind.example"))
    assert again.status_code == 201
    assert again.data["id"] == str(uid)
    eve.refresh_from_db()
    assert eve.state == "active"


def test_groups_are_teams(scim, people) -> None:
    created = scim.post(
        "/Groups",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Design",
            "externalId": "g-1",
            "members": [{"value": people["Ann"]}],
        },
    )
    assert created.status_code == 201, created.data
    gid = created.data["id"]
    assert User.objects.get(pk=people["Ann"]).profile.team.name == "Design"
    added = scim.patch(
        f"/Groups/{gid}", {"op": "add", "path": "members", "value": [{"value": people["Ben"]}]}
    )
    assert {m["value"] for m in added.data["members"]} == {people["Ann"], people["Ben"]}
    removed = scim.patch(
        f"/Groups/{gid}", {"op": "remove", "path": f'members[value eq "{people["Ann"]}"]'}
    )
    assert [m["value"] for m in removed.data["members"]] == [people["Ben"]]
    assert User.objects.get(pk=people["Ann"]).profile.team is None
    listed = scim.http.get(
        "/scim/v2/Groups",
        {"filter": 'displayName eq "design"'},
        HTTP_AUTHORIZATION=f"Bearer {scim.token}",
    ).json()
    assert listed["totalResults"] == 1
    _error(
        scim.post(
            "/Groups",
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "DESIGN"},
        ),
        409,
        "uniqueness",
    )
    _error(
        scim.patch(
            f"/Groups/{gid}", {"op": "add", "path": "members", "value": [{"value": "nope"}]}
        ),
        400,
    )
    assert scim.delete(f"/Groups/{gid}").status_code == 204
    _error(scim.get(f"/Groups/{gid}"), 404)
    assert User.objects.get(pk=people["Ben"]).profile.team is None


def test_scim_writes_are_audited(scim, people) -> None:
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"scim.client.create", "scim.user.create", "user.deactivate"} <= actions
    event = AuditEvent.objects.filter(action="scim.user.create").first()
    assert event.data["client"] == "Test IdP"


def test_scim_token_command_prints_token_last(db, capsys) -> None:
    call_command("scim-token", "Okta")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("scim_")
    assert ScimHttp(last).get("/ServiceProviderConfig").status_code == 200


def test_admin_page_creates_and_revokes_clients(db) -> None:
    admin = UserFactory(is_network_admin=True)
    member = UserFactory()
    browser = Client()
    browser.force_login(member)
    assert browser.get("/accounts/admin/provisioning/").status_code == 403
    assert browser.post("/accounts/admin/provisioning/", {"name": "x"}).status_code == 403
    browser.force_login(admin)
    page = browser.post("/accounts/admin/provisioning/", {"name": "Entra ID"})
    assert page.status_code == 200
    client = ScimClient.objects.get(name="Entra ID")
    raw = page.context["raw_token"]
    assert raw.encode() in page.content and client.created_by == admin
    assert browser.post("/accounts/admin/provisioning/", {"name": " "}).status_code == 400
    assert browser.post(f"/accounts/admin/provisioning/{client.pk}/revoke/").status_code == 302
    assert ScimHttp(raw).get("/Users").status_code == 401
    assert AuditEvent.objects.filter(action="scim.client.revoke", actor=admin).exists()
    _, other = do_create_scim_client(actor=admin, name="second")
    assert ScimHttp(other).get("/Users").status_code == 200
