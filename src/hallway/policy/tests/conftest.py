from __future__ import annotations

from typing import Any

import pytest

from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    UserFactory,
    add_member,
)
from hallway.policy.models import PolicyRule


def make_rule(**fields: Any) -> PolicyRule:
    fields.setdefault("name", f"{fields.get('detector')} {fields.get('action')}")
    fields.setdefault("destination", PolicyRule.Destination.ALL)
    fields.setdefault("config", {})
    return PolicyRule.objects.create(**fields)


@pytest.fixture
def no_rules(db: Any) -> None:
    """Start from an empty policy (the default one comes with the migration)."""
    PolicyRule.objects.all().delete()


@pytest.fixture
def people(db: Any, no_rules: None) -> dict[str, Any]:
    acme = CompanyFactory(name="Acme Ltd", slug="acme-ltd")
    sam = UserFactory(name="Sam Sales")
    colleague = UserFactory(name="Cora Colleague")
    outsider = UserFactory(name="Otto Outsider")
    officer = UserFactory(name="Chloe Compliance", is_compliance_officer=True)
    admin = UserFactory(name="Ada Admin", is_network_admin=True)
    guest = GuestFactory(name="Gil Guest", company=acme)
    external = GroupFactory(
        name="Acme deal room",
        slug="acme-deal-room",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[acme],
    )
    confidential = GroupFactory(
        name="Board prep",
        slug="board-prep",
        visibility="private",
        join_policy="invite",
        sensitivity="confidential",
    )
    general = GroupFactory(name="Lunch", slug="lunch")
    for group in (external, confidential, general):
        add_member(group, sam, role="owner")
        add_member(group, colleague)
    add_member(external, guest)
    return {
        "sam": sam,
        "colleague": colleague,
        "outsider": outsider,
        "officer": officer,
        "admin": admin,
        "guest": guest,
        "acme": acme,
        "external": external,
        "confidential": confidential,
        "general": general,
    }
