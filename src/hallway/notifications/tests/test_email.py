"""Notification emails through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import socket
import time
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from hallway.notifications.actions import do_set_group_notifications, do_set_kind_channels
from hallway.notifications.emails import unsubscribe_token
from hallway.notifications.models import Channel, Kind, NotificationPreference
from hallway.notifications.tasks import send_notification_email
from hallway.notifications.tests.conftest import mention, notes
from hallway.posts.actions import do_create_comment, do_create_post


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.HALLWAY_BASE_URL = "https://hallway.example"
    settings.HALLWAY_NETWORK_NAME = "Northwind Hallway"
    yield inbox
    controller.stop()


def _parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_mention_is_emailed_once_with_unsubscribe_headers(world, after_commit, smtp):
    with after_commit():
        post = do_create_post(author=world.ana, body=f"{mention(world.ben)} the plan giraffe")
    [message] = smtp.wait_for(1)
    assert message["To"] == world.ben.email
    assert "Ana Author mentioned you" in message["Subject"]
    assert "Northwind Hallway" in message["Subject"]
    unsubscribe = "".join(message["List-Unsubscribe"].split())  # unfold
    assert unsubscribe.startswith("<https://hallway.example/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    [note] = notes(world.ben)
    for body in parts.values():
        assert "giraffe" in body
        assert f"https://hallway.example/notifications/{note.pk}/" in body
        assert "Northwind Hallway" in body
    # A retried task sends nothing more.
    send_notification_email(notification_id=note.pk)
    time.sleep(0.3)
    assert len(smtp.messages) == 1
    assert post.pk == note.post_id


def test_confidential_content_never_reaches_the_email(world, after_commit, smtp):
    do_set_group_notifications(
        user=world.ben, group=world.confidential, channel=Channel.EMAIL, follow_closely=True
    )
    with after_commit():
        do_create_post(
            author=world.ana,
            title="Acquisition of Zebracorp",
            body=f"{mention(world.ben)} numbers zebracorp",
            group=world.confidential,
        )
    [message] = smtp.wait_for(1)
    raw = message.as_string().lower()
    assert "zebracorp" not in raw
    assert "merger room" not in raw
    assert "confidential group" in _parts(message)["text/plain"]


def test_send_time_check_skips_what_the_recipient_can_no_longer_see(world, after_commit, smtp):
    from hallway.groups.actions import do_leave_group

    with after_commit():
        do_create_post(author=world.ana, body=f"{mention(world.cleo)} x", group=world.private)
    smtp.wait_for(1)
    assert len(smtp.messages) == 1
    smtp.messages.clear()
    note = notes(world.cleo)[0]
    note.emailed_at = None
    note.save()
    do_leave_group(actor=world.cleo, group=world.private)
    send_notification_email(notification_id=note.pk)
    time.sleep(0.3)
    assert smtp.messages == []


def test_only_email_preferences_are_emailed(world, after_commit, smtp):
    do_set_kind_channels(user=world.ana, channels={Kind.REPLY: Channel.IN_APP})
    post = do_create_post(author=world.ana, body="Post")
    with after_commit():
        do_create_comment(author=world.ben, post=post, body="A reply")
        do_create_comment(author=world.cleo, post=post, body=f"{mention(world.ben)} look")
    smtp.wait_for(1)
    time.sleep(0.3)
    assert [m["To"] for m in smtp.messages] == [world.ben.email]


def test_one_click_unsubscribe(world, settings):
    token = unsubscribe_token(user_id=world.ben.pk, kind=Kind.MENTION)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200
    assert "Mentions of me" in page.content.decode()
    response = client.post(
        f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=world.ben, kind=Kind.MENTION).channel == (
        Channel.IN_APP
    )


@pytest.mark.parametrize("tamper", ["flip", "other-user", "garbage"])
def test_tampered_unsubscribe_token_is_refused(world, tamper):
    token = unsubscribe_token(user_id=world.ben.pk, kind=Kind.MENTION)
    if tamper == "flip":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif tamper == "other-user":
        signature = token.rpartition(":")[2]
        other = unsubscribe_token(user_id=world.cleo.pk, kind=Kind.MENTION)
        token = f"{other.rpartition(':')[0]}:{signature}"
    else:
        token = "not-a-token"
    client = Client()
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert not NotificationPreference.objects.exists()
