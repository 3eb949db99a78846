"""The webhook pages: create (secret shown once), detail with its log, group section."""

from __future__ import annotations

import pytest
from django.test import Client

from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.webhooks.models import IncomingWebhook, Webhook

pytestmark = pytest.mark.django_db


def test_admin_creates_a_hook_on_the_page_and_sees_its_secret_once(receiver):
    admin = UserFactory(is_network_admin=True)
    client = Client()
    client.force_login(admin)
    page = client.post(
        "/webhooks/",
        {"name": "CRM", "url": receiver.url, "scope": "network", "events": ["post.created"]},
    )
    assert page.status_code == 200 and b"whsec_" in page.content
    assert page["Cache-Control"] == "no-store"
    hook = Webhook.objects.get()
    detail = client.get(f"/webhooks/{hook.pk}/")
    assert detail.status_code == 200 and b"whsec_" not in detail.content
    refused = client.post(
        "/webhooks/",
        {"name": "x", "url": "http://10.0.0.1/", "scope": "network", "events": ["post.created"]},
    )
    assert refused.status_code == 400 and Webhook.objects.count() == 1


def test_owner_adds_an_incoming_hook_from_the_group_section():
    owner = UserFactory()
    group = GroupFactory()
    add_member(group, owner, role="owner")
    client = Client()
    client.force_login(owner)
    page = client.post(f"/webhooks/groups/{group.pk}/", {"action": "create", "name": "CI"})
    assert page.status_code == 200 and b"/hooks/in/hwin_" in page.content
    assert IncomingWebhook.objects.get().bot.name == "CI (bot)"
    listing = client.get(f"/webhooks/groups/{group.pk}/")
    assert listing.status_code == 200 and b"CI (bot)" in listing.content
    token = page.content.split(b"/hooks/in/")[1].split(b"/")[0]
    assert len(token) > 40 and token not in listing.content  # shown once
