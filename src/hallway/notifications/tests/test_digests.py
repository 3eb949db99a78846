"""Email digests (issue 4): content through the permission layer at send time, sensitivity,
due times, once per period, real SMTP, validated HTML, unsubscribe, preferences."""

from __future__ import annotations

import email
import socket
import time
from datetime import UTC, datetime, timedelta
from email.message import Message

import html5lib
import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client
from django.utils import timezone

from hallway.api.tests.conftest import client_for
from hallway.core.models import Task
from hallway.core.tasks import PERIODIC
from hallway.core.tests.factories import TeamFactory, UserFactory
from hallway.groups.actions import do_leave_group
from hallway.notifications.actions import do_set_digest_frequency, do_set_kind_channels
from hallway.notifications.digests import (
    due_periods,
    people_due,
    period_of,
    schedule_digests,
    send_digest,
    send_digests,
)
from hallway.notifications.emails import DIGEST_KIND, unsubscribe_token
from hallway.notifications.models import DigestSetting, Notification
from hallway.notifications.tests.conftest import mention
from hallway.posts.actions import do_create_comment, do_create_post, do_react
from hallway.profiles.actions import topic_for_name
from hallway.profiles.models import Profile

# Monday 30 November 2026 (server time is UTC).
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
WEEK = period_of("weekly", timezone.now()).key


def _parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


def _bodies(outbox_message: mail.EmailMultiAlternatives) -> tuple[str, str]:
    html = next(content for content, kind in outbox_message.alternatives if kind == "text/html")
    return str(outbox_message.body), str(html)


@pytest.fixture
def content(world, after_commit, settings):
    """Something for every section of Ben's digest, and things that must stay out."""
    settings.HALLWAY_BASE_URL = "https://hallway.example"
    settings.HALLWAY_NETWORK_NAME = "Northwind Hallway"
    team = TeamFactory(name="Platform", slug="platform")
    Profile.objects.filter(user=world.ben).update(team=team)
    newcomer = UserFactory(name="Nina Newcomer", profile__team=team, profile__title="SRE")
    Profile.objects.get(user=world.ben).skills.add(topic_for_name("Kubernetes"))
    do_set_kind_channels(user=world.ben, channels={"mention": "digest"})
    with after_commit():
        popular = do_create_post(
            author=world.ana, group=world.public, title="Quarterly plan giraffe", body="Plan"
        )
        do_react(actor=world.cleo, kind="like", post=popular)
        private = do_create_post(author=world.ana, group=world.private, body="Bid pricing okapi")
        secret = do_create_post(
            author=world.ana,
            group=world.confidential,
            title="Merger target zebra",
            body="Acquire zebracorp",
        )
        seen = do_create_post(author=world.ana, group=world.public, body="Already seen lemur")
        do_create_comment(author=world.ben, post=seen, body="Saw it")
        question = do_create_post(
            author=world.cleo,
            kind="question",
            body="How do we drain a node tapir?",
            topics=["Kubernetes"],
        )
        do_create_post(author=world.ana, body=f"{mention(world.ben)} have a look narwhal")
    mail.outbox.clear()  # notification emails (Ana's reply notice)
    return {
        "popular": popular,
        "private": private,
        "secret": secret,
        "question": question,
        "newcomer": newcomer,
    }


def test_digest_has_each_section_and_marks_notifications(world, content):
    assert send_digest(user_id=world.ben.pk, period_key=WEEK) == "sent"
    [message] = mail.outbox
    text, html = _bodies(message)
    assert message.to == [world.ben.email]
    assert message.subject == "[Northwind Hallway] Your weekly digest"
    for body in (text, html):
        assert "Quarterly plan giraffe" in body  # a top post of a group
        assert "Bid pricing okapi" in body  # a post of a private group Ben is in
        assert "How do we drain a node tapir?" in body  # a question on his skill
        assert "Nina Newcomer" in body  # new in his team
        assert "Ana Author mentioned you" in body  # a digest notification
        assert "have a look narwhal" in body
        assert "Already seen lemur" not in body  # he commented on it
        assert "https://hallway.example/" in body and "Northwind Hallway" in body
    assert f"https://hallway.example/posts/{content['popular'].pk}/" in html
    note = Notification.objects.get(recipient=world.ben, kind="mention")
    assert note.digested_at is not None
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://hallway.example/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A later digest does not repeat the notification.
    mail.outbox.clear()
    DigestSetting.objects.filter(user=world.ben).update(last_sent_at=timezone.now())
    assert send_digest(user_id=world.ben.pk, period_key="w2099-W01") == "empty"
    assert mail.outbox == []


def test_confidential_content_is_only_a_bare_link(world, content):
    send_digest(user_id=world.ben.pk, period_key=WEEK)
    text, html = _bodies(mail.outbox[0])
    secret = content["secret"]
    for body in (text, html):
        assert f"https://hallway.example/posts/{secret.pk}/" in body
        for leak in ("Merger target zebra", "zebracorp", "Merger Room", "merger-room"):
            assert leak not in body
    # No title, group or author next to the link either.
    line = next(line for line in html.splitlines() if f"/posts/{secret.pk}/" in line)
    assert "Ana Author" not in line and "confidential group" in line


def test_post_the_person_can_no_longer_read_is_left_out(world, content):
    do_leave_group(actor=world.ben, group=world.private)
    send_digest(user_id=world.ben.pk, period_key=WEEK)
    text, html = _bodies(mail.outbox[0])
    assert "Bid pricing okapi" not in text and "Bid pricing okapi" not in html
    assert "Quarterly plan giraffe" in text


def test_empty_digest_is_not_sent_but_the_period_is_served(world, content):
    assert send_digest(user_id=world.dan.pk, period_key=WEEK) == "empty"
    assert mail.outbox == []
    assert DigestSetting.objects.get(user=world.dan).sent_period == WEEK
    assert send_digest(user_id=world.dan.pk, period_key=WEEK) == "done"


def test_one_digest_per_period_and_preferences_checked_at_send_time(world, content):
    assert send_digest(user_id=world.ben.pk, period_key=WEEK) == "sent"
    assert send_digest(user_id=world.ben.pk, period_key=WEEK) == "done"
    assert send_digests(user_ids=[world.ben.pk, world.ben.pk], period_key=WEEK) == {"done": 2}
    assert len(mail.outbox) == 1
    do_set_digest_frequency(user=world.cleo, frequency="off")
    assert send_digest(user_id=world.cleo.pk, period_key=WEEK) == "skipped"
    do_set_digest_frequency(user=world.cleo, frequency="daily")
    assert send_digest(user_id=world.cleo.pk, period_key=WEEK) == "skipped"  # not weekly now
    world.dan.is_active = False
    world.dan.save()
    assert send_digest(user_id=world.dan.pk, period_key=WEEK) == "skipped"
    assert len(mail.outbox) == 1


def test_guest_digest_holds_only_their_external_group(world, after_commit):
    with after_commit():
        do_create_post(author=world.ana, group=world.external, body="For partners wombat")
        do_create_post(author=world.ana, group=world.public, body="Members only quokka")
    assert send_digest(user_id=world.guest.pk, period_key=WEEK) == "sent"
    text, html = _bodies(mail.outbox[0])
    assert "For partners wombat" in html and "Members only quokka" not in html + text


def test_digest_html_is_valid_html5_with_its_structure(world, content):
    send_digest(user_id=world.ben.pk, period_key=WEEK)
    _, html = _bodies(mail.outbox[0])
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(html)  # raises on any parse error
    assert document.get("lang") == "en"
    assert document.find("head/title").text == "Your weekly digest from Northwind Hallway"
    headings = [h.text for h in document.iter("h2")]
    assert headings == [
        "Top posts in your groups and follows",
        "Questions you could answer",
        "New people in your team",
        "Your notifications",
    ]
    for section in document.iter("section"):
        assert section.find("ul/li/a") is not None
    links = [a.get("href") for a in document.iter("a")]
    assert all(link.startswith("https://hallway.example/") for link in links)
    assert any("/notifications/unsubscribe/" in link for link in links)


def test_broken_html_is_caught_by_the_validator():
    with pytest.raises(html5lib.html5parser.ParseError):
        html5lib.HTMLParser(strict=True).parse("<!doctype html><p>unclosed <b>bold</p>")


# --- due times and scheduling ---------------------------------------------------------------
def test_periods_and_due_times():
    assert period_of("weekly", MONDAY).key == "w2026-W49"
    assert period_of("weekly", MONDAY + timedelta(days=6, hours=23)).key == "w2026-W49"
    assert period_of("weekly", MONDAY - timedelta(minutes=1)).key == "w2026-W48"
    assert period_of("daily", MONDAY + timedelta(hours=9)).key == "d2026-11-30"
    assert due_periods(MONDAY + timedelta(hours=7, minutes=59)) == []
    assert [p.frequency for p in due_periods(MONDAY + timedelta(hours=8))] == ["daily", "weekly"]
    assert [p.frequency for p in due_periods(MONDAY + timedelta(hours=23))] == ["daily", "weekly"]
    tuesday = MONDAY + timedelta(days=1, hours=9)
    assert [p.frequency for p in due_periods(tuesday)] == ["daily"]
    assert due_periods(MONDAY + timedelta(days=1, hours=3)) == []


def test_hour_setting_moves_the_due_time(settings):
    settings.HALLWAY_DIGEST_HOUR = 6
    assert [p.frequency for p in due_periods(MONDAY + timedelta(hours=6))] == ["daily", "weekly"]


def test_the_scheduler_is_a_periodic_task_every_hour():
    entry = PERIODIC["hallway.notifications.tasks.schedule_due_digests"]
    assert entry.every == timedelta(hours=1)


def test_schedule_queues_who_is_due_once(world, settings, django_capture_on_commit_callbacks):
    settings.HALLWAY_TASKS_EAGER = False  # the real queue table
    do_set_digest_frequency(user=world.cleo, frequency="daily")
    do_set_digest_frequency(user=world.dan, frequency="off")
    monday = MONDAY + timedelta(hours=8, minutes=5)
    weekly = period_of("weekly", monday)
    daily = period_of("daily", monday)
    everyone = {world.ana.pk, world.ben.pk, world.admin.pk, world.guest.pk}
    assert set(people_due(weekly, monday).values_list("pk", flat=True)) == everyone
    assert set(people_due(daily, monday).values_list("pk", flat=True)) == {world.cleo.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_digests(monday) == 5
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_digests(monday + timedelta(minutes=30)) == 0  # already queued
    tasks = list(Task.objects.filter(name__endswith="send_digest_batch"))
    assert sorted(t.kwargs["period"] for t in tasks) == [daily.key, weekly.key]
    assert {pk for t in tasks for pk in t.kwargs["user_ids"]} == everyone | {world.cleo.pk}
    # A batch still not done an hour later is queued again (its effect keys keep it once).
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_digests(monday + timedelta(hours=1, minutes=10)) == 5
    # Served people are not queued again; Tuesday: only the daily digest is due.
    DigestSetting.objects.exclude(user=world.cleo).update(sent_period=weekly.key)
    DigestSetting.objects.filter(user=world.cleo).update(sent_period=daily.key)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_digests(monday + timedelta(hours=3)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_digests(monday + timedelta(days=1)) == 1


# --- real SMTP ---------------------------------------------------------------------------------
class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def test_scheduled_digests_arrive_once_over_real_smtp(world, content, smtp, after_commit):
    monday = period_of("weekly", timezone.now()).start + timedelta(hours=9)
    for _ in range(2):  # the scheduler and the batches run twice
        DigestSetting.objects.update(scheduled_period="")
        with after_commit():
            schedule_digests(monday)
    deadline = time.monotonic() + 5
    while len(smtp.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    recipients = sorted(m["To"] for m in smtp.messages)
    assert len(recipients) == len(set(recipients))  # one each, though everything ran twice
    sent = DigestSetting.objects.filter(sent_period=WEEK, last_sent_at__isnull=False)
    assert len(recipients) == sent.count()
    assert world.ben.email in recipients
    [ben] = [m for m in smtp.messages if m["To"] == world.ben.email]
    parts = _parts(ben)
    assert set(parts) == {"text/plain", "text/html"}
    assert "Quarterly plan giraffe" in parts["text/html"]
    assert "Merger target zebra" not in parts["text/html"] + parts["text/plain"]
    assert ben["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    served = set(DigestSetting.objects.filter(sent_period=WEEK).values_list("user_id", flat=True))
    assert served >= {world.ben.pk, world.dan.pk}


# --- unsubscribe and preferences ---------------------------------------------------------------
def test_one_click_unsubscribe_turns_the_digest_off(world, content):
    token = unsubscribe_token(user_id=world.ben.pk, kind=DIGEST_KIND)
    page = Client().get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200 and "Email digests" in page.content.decode()
    done = Client().post(
        f"/notifications/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200
    assert DigestSetting.objects.get(user=world.ben).frequency == "off"
    assert send_digest(user_id=world.ben.pk, period_key=WEEK) == "skipped"
    assert mail.outbox == []


def test_preferences_page_sets_the_digest(world):
    client = Client()
    client.force_login(world.ben)
    page = client.get("/notifications/preferences/")
    assert 'name="digest"' in page.content.decode()
    assert '<option value="weekly" selected>' in page.content.decode()
    client.post("/notifications/preferences/", {"digest": "daily"})
    assert DigestSetting.objects.get(user=world.ben).frequency == "daily"
    client.post("/notifications/preferences/", {"digest": "hourly"})
    assert DigestSetting.objects.get(user=world.ben).frequency == "daily"


def test_api_preferences_read_and_set_the_digest(world):
    api = client_for(world.ben)
    assert api.get("notifications/preferences").data["digest"] == "weekly"
    changed = api.put("notifications/preferences", {"digest": "daily"})
    assert changed.status == 200 and changed.data["digest"] == "daily"
    assert api.put("notifications/preferences", {"kinds": {}}).data["digest"] == "daily"
    assert api.put("notifications/preferences", {"digest": "hourly"}).status in {400, 422}
    assert api.put("notifications/preferences", {"digest": "off"}).data["digest"] == "off"
