"""The API tests' small network (admin, members, guests) for the OAuth tests."""

from hallway.api.tests.conftest import network

__all__ = ["network"]
