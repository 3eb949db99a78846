"""Live events: publishing, label filtering, the /events/ stream, replay, backends."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient, Client, override_settings

from hallway.accounts.actions import do_deactivate_user
from hallway.core import events
from hallway.core.events import LiveEvent, backend, delivered_to, publish_to_audience
from hallway.core.permissions import NETWORK_LABEL, user_label
from hallway.core.tests.factories import GroupFactory, GuestFactory, UserFactory, add_member
from hallway.posts.actions import do_create_post


def run(main):
    """Run ``main()`` with one executor thread for the stream's database checks, whose
    connection is closed at the end (PostgreSQL must be able to drop the test database)."""

    async def wrapper():
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        try:
            return await main()
        finally:
            await sync_to_async(connections.close_all, thread_sensitive=False)()

    # In a thread of its own: Playwright's sync API may keep a loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as runner:
        return runner.submit(asyncio.run, wrapper()).result(timeout=30)


def _ids(body: str) -> list[int]:
    return [int(line[4:]) for line in body.splitlines() if line.startswith("id: ")]


def test_content_events_need_the_label_person_events_need_the_person():
    content = LiveEvent(1, "post", {"id": 5}, audience="group:3")
    personal = LiveEvent(2, "notification", {"count": 1}, user_ids=(7,))
    assert delivered_to(content, user_id=1, labels=frozenset({"group:3", "network"}))
    assert not delivered_to(content, user_id=1, labels=frozenset({"network"}))
    assert delivered_to(personal, user_id=7, labels=frozenset({"user:7"}))
    assert not delivered_to(personal, user_id=8, labels=frozenset({"network", "group:3"}))
    assert not delivered_to(personal, user_id=7, labels=frozenset())  # deactivated


@pytest.mark.django_db
def test_publish_waits_for_commit_and_is_dropped_on_rollback(django_capture_on_commit_callbacks):
    start = backend().latest_id()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_to_audience(NETWORK_LABEL, "post", {"id": 1})
    assert backend().since(start) == []
    for callback in callbacks:
        callback()
    assert [e.data for e in backend().since(start)] == [{"id": 1}]


@pytest.mark.django_db
def test_new_post_publishes_its_audience_only(django_capture_on_commit_callbacks):
    author = UserFactory()
    group = GroupFactory(visibility="private", join_policy="request")
    add_member(group, author, role="owner")
    start = backend().latest_id()
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(author=author, body="Hello group", group=group)
    [event] = [e for e in backend().since(start) if e.name == "post"]
    assert event.data == {"id": post.pk}
    assert event.audience == post.audience


@pytest.mark.django_db
def test_stream_refuses_anonymous_and_deactivated_people():
    assert Client().get("/events/").status_code == 401
    admin = UserFactory(is_network_admin=True)
    gone = UserFactory()
    client = Client()
    client.force_login(gone)
    do_deactivate_user(actor=admin, user=gone)
    assert client.get("/events/").status_code == 401


@pytest.mark.django_db
def test_reconnect_replays_only_what_the_person_may_see(django_capture_on_commit_callbacks):
    member = UserFactory()
    guest = GuestFactory()
    start = backend().latest_id()
    secret = GroupFactory(visibility="secret", join_policy="invite")
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_to_audience(NETWORK_LABEL, "post", {"id": 1})
        events.publish_to_audience(f"group:{secret.pk}", "post", {"id": 2})
        events.publish_to_users([guest.pk], "notification", {"unread": 3})
    network_id, secret_id, guest_id = (e.id for e in backend().since(start))

    client = Client()
    client.force_login(member)
    response = client.get("/events/", HTTP_LAST_EVENT_ID=str(start))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"].startswith("no-cache")
    assert response["X-Accel-Buffering"] == "no"
    body = response.content.decode()
    assert _ids(body) == [start, network_id]  # the start id, then the one it may see
    assert '"event":"post","data":{"id":1}' in body
    assert "retry: " in body

    guest_client = Client()
    guest_client.force_login(guest)
    body = guest_client.get(f"/events/?last_event_id={start}").content.decode()
    assert _ids(body) == [start, guest_id]
    assert secret_id not in _ids(body)

    # Already seen: nothing is replayed again; without an id the stream starts at the newest.
    assert _ids(client.get("/events/", HTTP_LAST_EVENT_ID=str(guest_id)).content.decode()) == [
        guest_id
    ]
    assert _ids(client.get("/events/").content.decode()) == [guest_id]


async def _read_until(stream, marker: str, timeout: float = 5.0) -> str:
    seen = ""

    async def read() -> str:
        nonlocal seen
        async for chunk in stream:
            seen += chunk.decode() if isinstance(chunk, bytes) else chunk
            if marker in seen:
                return seen
        return seen

    return await asyncio.wait_for(read(), timeout)


@pytest.mark.django_db(transaction=True)
@override_settings(HALLWAY_EVENTS_HEARTBEAT_SECONDS=0.3)
def test_asgi_stream_delivers_live_heartbeats_and_ends_at_sign_out():
    member = UserFactory()
    other = UserFactory()
    group = GroupFactory(visibility="private", join_policy="request")
    client = AsyncClient()
    client.force_login(member)

    async def main() -> str:
        response = await client.get("/events/")
        assert response.status_code == 200
        assert response["X-Accel-Buffering"] == "no"
        stream = response.streaming_content
        await _read_until(stream, "id: ")
        threading.Thread(
            target=lambda: [
                backend().publish("post", {"id": 10}, audience=f"group:{group.pk}", user_ids=()),
                backend().publish("post", {"id": 11}, audience=NETWORK_LABEL, user_ids=()),
                backend().publish("badge", {"n": 1}, audience="", user_ids=(other.pk,)),
                backend().publish("badge", {"n": 2}, audience="", user_ids=(member.pk,)),
            ]
        ).start()
        seen = await _read_until(stream, '"n":2')
        seen += await _read_until(stream, ": heartbeat")
        await client.alogout()
        seen += await _read_until(stream, "signed-out", timeout=3)
        return seen

    seen = run(main)
    assert '"id":11' in seen
    assert '"id":10' not in seen  # not a member of the private group
    assert '"n":1' not in seen  # someone else's
    assert seen.index('"id":11') < seen.index('"n":2') < seen.index("signed-out")


@pytest.mark.django_db(transaction=True)
@override_settings(HALLWAY_EVENTS_HEARTBEAT_SECONDS=0.3)
def test_asgi_stream_ends_when_the_person_is_deactivated():
    admin = UserFactory(is_network_admin=True)
    member = UserFactory()
    client = AsyncClient()
    client.force_login(member)

    async def main() -> str:
        response = await client.get("/events/")
        stream = response.streaming_content
        await _read_until(stream, "id: ")
        await asyncio.to_thread(do_deactivate_user, actor=admin, user=member)
        return await _read_until(stream, "signed-out", timeout=3)

    assert "signed-out" in run(main)


@pytest.fixture
def redis_backend():
    import redis

    url = "redis://127.0.0.1:6379/12"
    redis.Redis.from_url(url).flushdb()
    with override_settings(HALLWAY_EVENTS_BACKEND="redis", HALLWAY_EVENTS_REDIS_URL=url):
        events.backend.cache_clear()
        yield events.backend()
        events.backend().stop_listening()
    events.backend.cache_clear()
    redis.Redis.from_url(url).flushdb()


def test_redis_backend_publishes_through_pub_sub_and_replays(redis_backend):
    assert isinstance(redis_backend, events.RedisBackend)

    async def main() -> LiveEvent:
        subscription = events.HUB.subscribe()  # starts the subscriber thread
        try:
            await asyncio.sleep(0.3)
            # Another process publishing: a separate client on the same server.
            other = events.RedisBackend(redis_backend.url)
            await asyncio.to_thread(
                other.publish, "post", {"id": 42}, audience=user_label(5), user_ids=()
            )
            return await asyncio.wait_for(subscription.queue.get(), 5)
        finally:
            events.HUB.unsubscribe(subscription)

    received = run(main)
    assert received.data == {"id": 42}
    assert received.audience == "user:5"
    assert redis_backend.latest_id() == received.id
    assert [e.id for e in redis_backend.since(received.id - 1)] == [received.id]
    assert redis_backend.since(received.id) == []


@pytest.mark.django_db(transaction=True)
def test_database_backend_hands_rows_of_other_processes_to_streams():
    with override_settings(HALLWAY_EVENTS_BACKEND="database"):
        events.backend.cache_clear()
        try:
            database = events.backend()
            database.POLL_SECONDS = 0.1

            async def main() -> LiveEvent:
                subscription = events.HUB.subscribe()
                try:
                    await asyncio.sleep(0.3)
                    await asyncio.to_thread(
                        database.publish, "post", {"id": 7}, audience=NETWORK_LABEL, user_ids=()
                    )
                    return await asyncio.wait_for(subscription.queue.get(), 5)
                finally:
                    events.HUB.unsubscribe(subscription)

            received = run(main)
            assert received.data == {"id": 7}
            assert [e.id for e in database.since(received.id - 1)] == [received.id]
        finally:
            events.backend().stop_listening()
            events.backend.cache_clear()
