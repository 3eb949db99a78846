"""Hard erase: the person is anonymised, the conversation stays readable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hallway.accounts.actions import do_create_api_token
from hallway.accounts.models import ApiToken, User
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.markdown import mention_markup
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import profile_of
from hallway.posts.actions import do_create_post
from hallway.posts.models import Post
from hallway.retention.erase import do_hard_erase_user
from hallway.retention.tests.conftest import World, comment


def test_erase_anonymises_and_keeps_content(world: World) -> None:
    profile = profile_of(world.ana)
    profile.title = "Head of Secrets"
    profile.phone = "+49 30 1234"
    profile.bio = "Ana's bio"
    profile.photo = SimpleUploadedFile("ana.png", b"\x89PNG fake", content_type="image/png")
    profile.save()
    do_create_api_token(user=world.ana, name="laptop")
    own = do_create_post(author=world.ana, body="Quarterly numbers are in")
    mention = mention_markup(name="Ana Author", user_id=world.ana.pk)
    theirs = do_create_post(author=world.ben, body=f"Thanks {mention}!")
    reply = comment(world.ben, own, body=f"Agreed {mention}")
    old_email = world.ana.email

    do_hard_erase_user(actor=world.admin, user=world.ana, reason="Erasure request #77")

    ana = User.objects.get(pk=world.ana.pk)
    assert ana.name == f"Former member #{ana.pk}"
    assert ana.email == f"erased-{ana.pk}@erased.invalid"
    assert not ana.is_active and not ana.has_usable_password()
    assert not ApiToken.objects.filter(user=ana).exists()
    profile.refresh_from_db()
    assert (profile.title, profile.phone, profile.bio, profile.photo.name) == ("", "", "", "")
    assert Post.objects.get(pk=own.pk).deleted_at is None
    theirs.refresh_from_db()
    reply.refresh_from_db()
    for body, html in ((theirs.body, theirs.body_html), (reply.body, reply.body_html)):
        assert "Ana Author" not in body + html
        assert f"Former member #{ana.pk}" in html
    event = AuditEvent.objects.get(action="user.erase")
    assert event.data["reason"] == "Erasure request #77"
    assert old_email not in str(event.data) and "Ana Author" not in str(event.data)


def test_the_post_page_shows_the_anonymised_author(world: World) -> None:
    own = do_create_post(author=world.ana, body="Still readable")
    do_hard_erase_user(actor=world.admin, user=world.ana, reason="Erasure request #78")
    browser = Client()
    browser.force_login(world.ben)
    page = browser.get(f"/posts/{own.pk}/").content.decode()
    assert "Still readable" in page
    assert f"Former member #{world.ana.pk}" in page
    assert "Ana Author" not in page


def test_only_network_admins_erase_with_a_reason(world: World) -> None:
    with pytest.raises(PermissionDenied):
        do_hard_erase_user(actor=world.officer, user=world.ana, reason="Erasure request")
    with pytest.raises(PermissionDenied):
        do_hard_erase_user(actor=world.admin, user=world.admin, reason="Erasure request")
    with pytest.raises(ActionError):
        do_hard_erase_user(actor=world.admin, user=world.ana, reason="short")
    do_hard_erase_user(actor=world.admin, user=world.ana, reason="Erasure request")
    with pytest.raises(ActionError):
        do_hard_erase_user(actor=world.admin, user=world.ana, reason="Erasure request")


def test_the_erase_page(world: World, django_capture_on_commit_callbacks: Any) -> None:
    browser = Client()
    browser.force_login(world.admin)
    url = f"/retention/erase/{world.ana.pk}/"
    assert browser.get(url).status_code == 200
    assert browser.post(url, {"reason": "Erasure request #9"}).status_code == 400  # no confirm
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(url, {"reason": "Erasure request #9", "confirm": "on"})
    assert done.status_code == 302
    assert User.objects.get(pk=world.ana.pk).name.startswith("Former member #")
    browser.force_login(world.ben)
    assert browser.get(url).status_code == 403


def test_a_held_person_cannot_be_erased_and_their_downloads_go(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from hallway.retention.actions import do_place_hold, do_release_hold
    from hallway.retention.export_actions import do_request_personal_export

    hold = do_place_hold(actor=world.officer, user=world.ana, reason="Litigation")
    with pytest.raises(ActionError):
        do_hard_erase_user(actor=world.admin, user=world.ana, reason="Erasure request")
    do_release_hold(actor=world.officer, hold=hold)
    with django_capture_on_commit_callbacks(execute=True):
        export = do_request_personal_export(actor=world.ana)
    export.refresh_from_db()
    assert export.file
    do_hard_erase_user(actor=world.admin, user=world.ana, reason="Erasure request")
    export.refresh_from_db()
    assert not export.file
