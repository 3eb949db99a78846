"""Retention rules, legal holds, the dry run and the daily task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.models import AuditEvent, Task
from hallway.core.tasks import PERIODIC, schedule_due
from hallway.posts.actions import do_create_post
from hallway.posts.models import Attachment, Post
from hallway.retention.actions import (
    do_place_hold,
    do_release_hold,
    do_set_retention_rules,
    run_retention,
)
from hallway.retention.selectors import dry_run
from hallway.retention.tests.conftest import World, aged, comment, post

TASK = "hallway.retention.tasks.apply_retention_rules"


def live(*posts: Post) -> set[int]:
    ids = [p.pk for p in posts]
    return set(
        Post.objects.filter(pk__in=ids, deleted_at__isnull=True).values_list("pk", flat=True)
    )


def test_expired_posts_of_a_label_go_and_the_rest_stays(world: World) -> None:
    do_set_retention_rules(actor=world.officer, days_by_label={"general": 365})
    old_stream = post(world.ana, days=400)
    old_general = post(world.ana, days=400, group=world.general)
    young = post(world.ana, days=10, group=world.general)
    old_confidential = post(world.ana, days=4000, group=world.confidential)
    counts = run_retention()
    assert counts == {"general": 2, "internal": 0, "confidential": 0, "restricted": 0}
    assert live(old_stream, old_general, young, old_confidential) == {
        young.pk,
        old_confidential.pk,
    }
    old_general.refresh_from_db()
    assert old_general.deleted_by is None  # the rule, not a person


def test_files_of_an_expired_post_go_with_it(world: World) -> None:
    do_set_retention_rules(actor=world.officer, days_by_label={"confidential": 30})
    upload = SimpleUploadedFile("plan.txt", b"the plan", content_type="text/plain")
    old = aged(
        do_create_post(author=world.ana, body="Plan", group=world.confidential, uploads=[upload]),
        days=31,
    )
    run_retention()
    assert set(Attachment.objects.filter(post=old).values_list("audience", flat=True)) == {
        "deleted"
    }


def test_a_held_group_keeps_its_content(world: World) -> None:
    do_set_retention_rules(actor=world.officer, days_by_label={"general": 30, "restricted": 30})
    in_held = post(world.ana, days=100, group=world.secret)
    elsewhere = post(world.ana, days=100, group=world.general)
    hold = do_place_hold(actor=world.officer, group=world.secret, reason="Case 42")
    run_retention()
    assert live(in_held, elsewhere) == {in_held.pk}
    do_release_hold(actor=world.officer, hold=hold)
    run_retention()
    assert live(in_held) == set()


def test_a_held_person_keeps_their_posts_and_the_posts_they_commented_on(world: World) -> None:
    do_set_retention_rules(actor=world.officer, days_by_label={"general": 30})
    theirs = post(world.ana, days=100)
    commented = post(world.ben, days=100)
    comment(world.ana, commented)
    other = post(world.ben, days=100)
    do_place_hold(actor=world.officer, user=world.ana, reason="Litigation")
    assert dry_run(now=timezone.now())["general"] == 1
    run_retention()
    assert live(theirs, commented, other) == {theirs.pk, commented.pk}


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_the_dry_run_counts_what_the_run_deletes(world: World, settings: Any, batch: int) -> None:
    settings.HALLWAY_RETENTION_BATCH = batch
    do_set_retention_rules(actor=world.officer, days_by_label={"general": 30, "confidential": 60})
    for days in (10, 40, 50, 70):
        post(world.ana, days=days)
        post(world.ben, days=days, group=world.confidential)
    post(world.ben, days=90, group=world.secret)  # restricted: no rule
    do_place_hold(actor=world.officer, user=world.ben, reason="Audit")
    post(world.ben, days=400)  # held
    now = timezone.now()
    expected = dry_run(now=now)
    assert expected == {"general": 3, "internal": 0, "confidential": 0, "restricted": 0}
    assert run_retention(now=now) == expected
    assert dry_run(now=now) == {"general": 0, "internal": 0, "confidential": 0, "restricted": 0}


def test_a_run_stops_at_its_budget_and_the_next_continues(world: World, settings: Any) -> None:
    settings.HALLWAY_RETENTION_BATCH = 2
    settings.HALLWAY_RETENTION_MAX_BATCHES = 1
    do_set_retention_rules(actor=world.officer, days_by_label={"general": 30})
    posts = [post(world.ana, days=40) for _ in range(3)]
    assert run_retention()["general"] == 2
    assert run_retention()["general"] == 1
    assert live(*posts) == set()
    runs = AuditEvent.objects.filter(action="retention.run").order_by("pk")
    assert [event.data["finished"] for event in runs] == [False, True]


def test_every_run_is_audited_with_counts(world: World) -> None:
    do_set_retention_rules(actor=world.officer, days_by_label={"confidential": 30})
    post(world.ana, days=31, group=world.confidential)
    run_retention()
    run_retention()
    events = list(AuditEvent.objects.filter(action="retention.run").order_by("pk"))
    assert [event.data["total"] for event in events] == [1, 0]
    assert events[0].data["deleted"]["confidential"] == 1
    assert events[0].actor is None


def test_rules_and_holds_are_audited(world: World) -> None:
    do_set_retention_rules(actor=world.admin, days_by_label={"internal": 90})
    do_set_retention_rules(actor=world.admin, days_by_label={"internal": 90})  # no change
    hold = do_place_hold(actor=world.officer, user=world.ben, reason="HR case")
    do_release_hold(actor=world.officer, hold=hold)
    actions = list(
        AuditEvent.objects.filter(action__startswith="retention.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["retention.rules", "retention.hold.place", "retention.hold.release"]
    rules = AuditEvent.objects.get(action="retention.rules")
    assert rules.data == {"before": {"internal": None}, "after": {"internal": 90}}


def test_who_may_set_rules_and_holds(world: World) -> None:
    with pytest.raises(PermissionDenied):
        do_set_retention_rules(actor=world.ana, days_by_label={"general": 30})
    with pytest.raises(PermissionDenied):
        do_place_hold(actor=world.admin, group=world.general, reason="No")  # officers only
    with pytest.raises(ActionError):
        do_place_hold(actor=world.officer, group=world.general, reason="  ")
    with pytest.raises(ActionError):
        do_place_hold(actor=world.officer, group=world.general, user=world.ana, reason="Both")
    with pytest.raises(ActionError):
        do_set_retention_rules(actor=world.officer, days_by_label={"general": 0})
    with pytest.raises(ActionError):
        do_set_retention_rules(actor=world.officer, days_by_label={"public": 30})


def test_the_retention_task_is_daily_and_runs_once_per_slot(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert PERIODIC[TASK].every == timedelta(days=1)
    settings.HALLWAY_TASKS_EAGER = False  # the real queue table
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert TASK in schedule_due(now)
    with django_capture_on_commit_callbacks(execute=True):
        assert TASK not in schedule_due(now + timedelta(minutes=5))  # same day, other worker
    assert Task.objects.filter(name=TASK).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert TASK in schedule_due(now + timedelta(days=1))
    assert Task.objects.filter(name=TASK).count() == 2


def test_the_task_deletes_expired_posts(world: World) -> None:
    from hallway.retention.tasks import apply_retention_rules

    do_set_retention_rules(actor=world.officer, days_by_label={"general": 30})
    old = post(world.ana, days=31)
    assert apply_retention_rules()["general"] == 1
    assert live(old) == set()
