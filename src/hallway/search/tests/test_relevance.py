"""Relevance: on the demo network, the person who answered most questions on a topic is in
the expertise finder's top 3 for at least 90 % of the planted topics."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hallway.accounts.models import User
from hallway.core.permissions import viewer_for
from hallway.demo.experts import EXPERT_TOPICS, planted_experts
from hallway.profiles.models import Topic
from hallway.search.experts import experts_on
from hallway.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def test_planted_experts_are_in_the_top_three():
    call_command("demo", people=80, seed=5, verbosity=0)
    planted = planted_experts()
    assert len(planted) == len(EXPERT_TOPICS)
    viewer = viewer_for(User.objects.get(email="amira.haddad@northwind.example"))
    hits = 0
    for slug, expert_id in planted.items():
        top = [e.person.pk for e in experts_on(viewer, Topic.objects.get(slug=slug), limit=3)]
        hits += expert_id in top
    assert hits >= 0.9 * len(planted), (hits, len(planted))
    # The demo is searchable right away (the command rebuilds the index).
    assert search(viewer, SearchFilters(q="pricing", type="questions")).results
