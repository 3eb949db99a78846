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
