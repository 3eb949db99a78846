"""/users: network admins create, invite, deactivate, reactivate and set roles."""

import pytest
from django.core import mail

from hallway.accounts.models import ApiToken, User
from hallway.api.tests.conftest import ApiClient, client_for, token_for
from hallway.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_invites_a_member_by_email(network, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(network.admin).post(
            "users", {"email": "New.Person@Northwind.example", "name": "New Person"}
        )
    assert response.status == 201
    data = response.data
    assert data["state"] == "invited"
    assert data["email"] == "new.person@northwind.example"
    assert data["company"]["slug"] == "northwind"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@northwind.example"]
    assert AuditEvent.objects.filter(action="user.invite").count() == 1


def test_admin_invites_a_guest_by_company_slug_or_id(network):
    client = client_for(network.admin)
    by_slug = client.post(
        "users", {"email": "g1@acme.example", "name": "G One", "kind": "guest", "company": "acme"}
    )
    assert by_slug.status == 201
    assert by_slug.data["company"]["id"] == network.acme.pk
    by_id = client.post(
        "users",
        {
            "email": "g2@acme.example",
            "name": "G Two",
            "kind": "guest",
            "company": network.globex.pk,
        },
    )
    assert by_id.data["company"]["slug"] == "globex"
    by_digits = client.post(
        "users",
        {
            "email": "g3@acme.example",
            "name": "G 3",
            "kind": "guest",
            "company": str(network.acme.pk),
        },
    )
    assert by_digits.status == 201


def test_admin_creates_an_active_person_without_invitation(
    network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(network.admin).post(
            "users", {"email": "sso@northwind.example", "name": "Sso Person", "invite": False}
        )
    assert response.status == 201
    assert response.data["state"] == "active"
    assert mail.outbox == []
    assert not User.objects.get(email="sso@northwind.example").has_usable_password()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "dup@northwind.example", "name": "X"}, 409, "email"),
        ({"email": "not-an-email", "name": "X"}, 400, "email"),
        ({"email": "g@acme.example", "name": "X", "kind": "guest"}, 400, "company"),
        (
            {"email": "g@acme.example", "name": "X", "kind": "guest", "company": "northwind"},
            400,
            "company",
        ),
        (
            {"email": "g@acme.example", "name": "X", "kind": "guest", "company": "nope"},
            400,
            "company",
        ),
        ({"email": "m@northwind.example", "name": "X", "company": "acme"}, 400, "company"),
        ({"email": "g@acme.example", "name": "X", "kind": "robot"}, 422, None),
        ({"email": "g@acme.example", "name": ""}, 400, "name"),
        ({"name": "X"}, 422, None),
    ],
)
def test_user_creation_errors_change_nothing(network, body, status, field):
    client = client_for(network.admin)
    client.post("users", {"email": "dup@northwind.example", "name": "Dup", "invite": False})
    before = User.objects.count()
    response = client.post("users", body)
    assert response.status == status
    if field:
        assert response.data["field"] == field
    assert User.objects.count() == before


def test_duplicate_email_is_409_whatever_the_case(network):
    response = client_for(network.admin).post(
        "users", {"email": network.engineer.email.upper(), "name": "Again"}
    )
    assert response.status == 409


def test_deactivate_and_reactivate(network):
    client = client_for(network.admin)
    victim_token = token_for(network.engineer)
    response = client.post(
        f"users/{network.engineer.pk}/deactivate", {"reason": "left the company"}
    )
    assert response.status == 200
    assert response.data["state"] == "deactivated"
    assert response.data["deactivated_at"] is not None
    assert ApiClient(token=victim_token).get("me").status == 401
    assert client.post(f"users/{network.engineer.pk}/deactivate").status == 409
    assert client.post(f"users/{network.admin.pk}/deactivate").status == 400
    back = client.post(f"users/{network.engineer.pk}/reactivate")
    assert back.status == 200
    assert back.data["state"] == "active"
    assert ApiToken.objects.get(user=network.engineer).revoked_at is not None
    assert client.post(f"users/{network.engineer.pk}/reactivate").status == 409


def test_admin_sees_people_in_every_state(network):
    client = client_for(network.admin)
    assert client.get(f"users/{network.invited.pk}").data["state"] == "invited"
    assert client.get(f"users/{network.deactivated.pk}").data["state"] == "deactivated"
    invited = client.get("users", params={"state": "invited"}).data["results"]
    assert [p["id"] for p in invited] == [network.invited.pk]
    assert client.get("users/987654").status == 404


def test_set_roles(network):
    client = client_for(network.admin)
    response = client.patch(f"users/{network.member.pk}/roles", {"is_compliance_officer": True})
    assert response.status == 200
    assert response.data["is_compliance_officer"] is True
    assert response.data["is_network_admin"] is False
    assert client.patch(f"users/{network.guest.pk}/roles", {"is_network_admin": True}).status == 400
    assert (
        client.patch(f"users/{network.admin.pk}/roles", {"is_network_admin": False}).status == 400
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "users", None),
        ("get", "users/{id}", None),
        ("post", "users", {"email": "x@northwind.example", "name": "X"}),
        ("post", "users/{id}/deactivate", None),
        ("post", "users/{id}/reactivate", None),
        ("patch", "users/{id}/roles", {"is_network_admin": True}),
    ],
)
def test_admin_endpoints_per_role(network, method, path, body):
    path = path.format(id=network.engineer.pk)
    for person in (network.member, network.guest, network.manager):
        client = client_for(person)
        response = (
            getattr(client, method)(path, body)
            if body is not None
            else getattr(client, method)(path)
        )
        assert response.status == 403, person
        assert response.detail == "Only network admins can do this."
    anonymous = ApiClient()
    response = (
        getattr(anonymous, method)(path, body)
        if body is not None
        else getattr(anonymous, method)(path)
    )
    assert response.status == 401
    compliance = client_for(network.member)
    network.member.is_compliance_officer = True
    network.member.save()
    response = (
        getattr(compliance, method)(path, body)
        if body is not None
        else getattr(compliance, method)(path)
    )
    assert response.status == 403
    assert network.engineer.__class__.objects.get(pk=network.engineer.pk).state == "active"
    assert not User.objects.filter(email="x@northwind.example").exists()
