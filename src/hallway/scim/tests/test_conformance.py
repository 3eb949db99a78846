"""The independent scim2-tester suite against a live server on 127.0.0.1: 0 failures."""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from hallway.core.tests.factories import host_company
from hallway.scim.actions import do_create_scim_client


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_passes_with_no_failure(live_server) -> None:  # type: ignore[no-untyped-def]
    host_company()
    _, token = do_create_scim_client(actor=None, name="scim2-tester")
    http = httpx2.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    results = check_server(SyncSCIMClient(http), raise_exceptions=False)
    failures = [
        f"{r.title} [{r.resource_type}]: {r.reason}" for r in results if r.status == Status.ERROR
    ]
    skipped = [f"{r.title}: {r.reason}" for r in results if r.status == Status.SKIPPED]
    assert len(results) > 30, f"only {len(results)} checks ran"
    assert not failures, "\n".join(failures)
    assert not skipped, "\n".join(skipped)
