from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from hallway.accounts.models import User
from hallway.core.tests.factories import TEST_PASSWORD, GuestFactory, UserFactory, host_company


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    # allauth keeps its rate-limit counters in the cache; every test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def host(db):  # type: ignore[no-untyped-def]
    return host_company()


@pytest.fixture
def admin(host) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(name="Ada Admin", email="ada@northwind.example", is_network_admin=True)


@pytest.fixture
def member(host) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(name="Max Member", email="max@northwind.example")


@pytest.fixture
def guest(host) -> User:  # type: ignore[no-untyped-def]
    return GuestFactory(name="Gus Guest", email="gus@acme.example")


def signed_in(user: User, *, user_agent: str = "pytest-browser") -> Client:
    """A browser that signed in through the real sign-in form."""
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:2000]
    return client


@pytest.fixture
def admin_client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def member_client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client
