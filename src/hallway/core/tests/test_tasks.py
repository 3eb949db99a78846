from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from hallway.core import tasks
from hallway.core.email import queue_email
from hallway.core.models import Task

CALLS: list[dict] = []


@tasks.task
def record_call(**kwargs):
    CALLS.append(kwargs)


@tasks.task
def always_fails(**kwargs):
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_reset_calls")]


@override_settings(HALLWAY_TASKS_EAGER=False)
def test_enqueue_waits_for_commit_then_worker_runs_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue(record_call, value=1)
    assert Task.objects.count() == 0  # nothing before commit
    for callback in callbacks:
        callback()
    assert Task.objects.get().status == Task.Status.QUEUED
    assert tasks.run_one() is True
    assert CALLS == [{"value": 1}]
    assert Task.objects.get().status == Task.Status.DONE
    assert tasks.run_one() is False


@override_settings(HALLWAY_TASKS_EAGER=False)
def test_idempotency_key_queues_one_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(record_call, idempotency_key="k1", value=1)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(record_call, idempotency_key="k1", value=1)
    assert Task.objects.count() == 1


@override_settings(HALLWAY_TASKS_EAGER=False)
def test_failure_retries_with_backoff_then_fails(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(always_fails, max_attempts=2)
    assert tasks.run_one() is True
    task = Task.objects.get()
    assert task.status == Task.Status.QUEUED
    assert task.run_after > timezone.now()
    assert "boom" in task.last_error
    assert tasks.run_one() is False  # backing off
    Task.objects.filter(pk=task.pk).update(run_after=timezone.now())
    assert tasks.run_one() is True
    task.refresh_from_db()
    assert task.status == Task.Status.FAILED
    assert task.attempts == 2


@override_settings(HALLWAY_TASKS_EAGER=False)
def test_task_of_a_dead_worker_runs_again_after_its_lease(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(record_call, value=2)
    claimed = tasks._claim_one()  # a worker leased it, then died
    assert claimed is not None
    assert tasks.run_one() is False  # lease still held
    Task.objects.filter(pk=claimed.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert tasks.run_one() is True
    assert CALLS == [{"value": 2}]
    assert Task.objects.get().attempts == 2


def test_unregistered_function_is_refused():
    def not_a_task():
        pass

    with pytest.raises(ValueError, match="not registered"):
        tasks.enqueue(not_a_task)


def test_queued_email_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(subject="Hello", to=["a@example.com"], text="Body", html="<p>Body</p>")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"


FLAKY_CALLS: list[int] = []


@tasks.task
def fails_twice(**kwargs):
    FLAKY_CALLS.append(1)
    if len(FLAKY_CALLS) < 3:
        raise RuntimeError("not yet")
    CALLS.append(kwargs)


def test_backoff_grows_and_is_capped():
    assert [tasks.backoff_seconds(n) for n in (1, 2, 3)] == [10, 20, 40]
    assert tasks.backoff_seconds(30) == 3600


def test_effect_once_rolls_back_when_the_effect_fails_then_runs_once():
    ran = []

    def failing_send() -> None:
        with tasks.effect_once("k:1") as first:
            assert first
            raise RuntimeError("smtp down")

    with pytest.raises(RuntimeError):
        failing_send()
    for _ in range(2):
        with tasks.effect_once("k:1") as first:
            if first:
                ran.append(1)
    assert ran == [1]


def test_for_each_once_skips_items_already_done():
    done: list[int] = []
    assert tasks.for_each_once("digest:w1", [1, 2], done.append) == 2
    assert tasks.for_each_once("digest:w1", [1, 2, 3], done.append) == 1
    assert done == [1, 2, 3]


def test_personal_emails_go_once_to_each_recipient_even_if_queued_twice(
    django_capture_on_commit_callbacks,
):
    from hallway.core.email import queue_personal_emails

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            queue_personal_emails(
                subject="Digest",
                recipients=["a@x.test", "b@x.test"],
                text="t",
                idempotency_key="d1",
            )
    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.test", "b@x.test"]
    assert all(len(m.to) == 1 for m in mail.outbox)


@override_settings(HALLWAY_TASKS_EAGER=False)
def test_periodic_slot_is_enqueued_once_whatever_the_number_of_schedulers(
    django_capture_on_commit_callbacks,
):
    from hallway.core.models import PeriodicRun

    name = "hallway.core.tasks.cleanup_finished_work"
    assert name in tasks.PERIODIC
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert name in tasks.schedule_due(now)
        assert name not in tasks.schedule_due(now)  # a second scheduler, same slot
    assert Task.objects.filter(name=name).count() == 1
    later = now + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert name in tasks.schedule_due(later)
    assert Task.objects.filter(name=name).count() == 2
    assert PeriodicRun.objects.filter(name=name).count() == 2
    while tasks.run_one():
        pass
    assert set(Task.objects.filter(name=name).values_list("status", flat=True)) == {"done"}


def test_cleanup_deletes_old_finished_work_only():
    from hallway.core.models import Event, TaskEffect

    old = timezone.now() - timedelta(days=40)
    done_old = Task.objects.create(name="x", status=Task.Status.DONE, finished_at=old)
    queued_old = Task.objects.create(name="x", status=Task.Status.QUEUED)
    Task.objects.filter(pk=queued_old.pk).update(created_at=old)
    done_new = Task.objects.create(name="x", status=Task.Status.DONE, finished_at=timezone.now())
    TaskEffect.objects.create(key="old", created_at=old)
    TaskEffect.objects.create(key="new")
    Event.objects.create(name="post", created_at=old)
    counts = tasks.cleanup_finished_work()
    assert counts["tasks"] == 1 and counts["effects"] == 1 and counts["events"] == 1
    assert set(Task.objects.values_list("pk", flat=True)) == {queued_old.pk, done_new.pk}
    assert not Task.objects.filter(pk=done_old.pk).exists()


def test_periodic_refuses_intervals_shorter_than_the_scheduler_tick():
    with pytest.raises(ValueError, match="at most"):
        tasks.periodic(every=timedelta(seconds=1))


def test_celery_task_retries_then_succeeds():
    """The Celery wrapper retries with the same backoff (run eagerly: no broker needed)."""
    from hallway.core import celery_app

    FLAKY_CALLS.clear()
    app = celery_app.app()
    app.conf.task_always_eager = True
    try:
        app.tasks["hallway.run_task"].apply(
            kwargs={"name": tasks._task_name(fails_twice), "kwargs": {"v": 1}, "max_attempts": 5}
        ).get()
        assert FLAKY_CALLS == [1, 1, 1]
        assert CALLS == [{"v": 1}]
        FLAKY_CALLS.clear()
        result = app.tasks["hallway.run_task"].apply(
            kwargs={"name": tasks._task_name(fails_twice), "kwargs": {}, "max_attempts": 2}
        )
        assert result.failed()
        assert FLAKY_CALLS == [1, 1]
    finally:
        app.conf.task_always_eager = False


@override_settings(
    HALLWAY_TASKS_EAGER=False,
    HALLWAY_TASK_BACKEND="redis",
    TASK_BROKER_URL="redis://127.0.0.1:6379/14",
)
def test_celery_enqueue_publishes_once_per_key(django_capture_on_commit_callbacks):
    import redis

    from hallway.core import celery_app

    client = redis.Redis.from_url("redis://127.0.0.1:6379/14")
    client.flushdb()
    celery_app.app.cache_clear()
    celery_app._redis.cache_clear()
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.enqueue(record_call, idempotency_key="once", value=3)
        assert Task.objects.count() == 0  # not the database queue
        assert client.llen("hallway:hallway") == 1
    finally:
        client.flushdb()
        celery_app.app.cache_clear()
        celery_app._redis.cache_clear()
