"""Hard erase: anonymise a person while their conversation stays readable (ADR 0015).

Deactivation keeps a person's content and identity. A hard erase, on request, also removes
the identity: the name becomes “Former member #<id>”, the email a unique non-routable
address, the profile is emptied (photo included), sessions, API and OAuth tokens, two-factor
devices, email addresses, SSO and SCIM links are removed. Posts and comments stay, shown under
the new name; mentions of the person in others' posts are rewritten to the new name.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from hallway.accounts.actions import do_deactivate_user, end_sessions
from hallway.accounts.models import ApiToken, User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.markdown import MENTION_RE, mention_markup, render_markdown
from hallway.core.permissions import viewer_for
from hallway.posts.models import Comment, Post
from hallway.profiles.actions import refresh_search_text
from hallway.profiles.models import Follow, Profile
from hallway.retention.models import DataExport, LegalHold
from hallway.search import sync as search_sync

ERASE_REASON_MIN = 10
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never routable


def erased_name(user_id: int) -> str:
    return f"Former member #{user_id}"


def can_hard_erase(actor: User, user: User) -> bool:
    """Network admins (active members) erase anyone but themselves."""
    viewer = viewer_for(actor)
    return viewer.is_member and viewer.is_network_admin and actor.pk != user.pk


def do_hard_erase_user(*, actor: User, user: User, reason: str) -> User:
    """Anonymise a person for good (network admins, with a reason; audited as
    ``user.erase`` without the old name or email). Refused while a legal hold covers the
    person. Cannot be undone."""
    if not can_hard_erase(actor, user):
        raise PermissionDenied("Only network admins erase people, and not themselves.")
    reason = (reason or "").strip()
    if len(reason) < ERASE_REASON_MIN:
        raise ActionError(
            f"Explain the reason in at least {ERASE_REASON_MIN} characters.", field="reason"
        )
    if user.email.endswith(f"@{ERASED_DOMAIN}"):
        raise ActionError("This person was already erased.", status=409)
    if LegalHold.objects.filter(user=user, released_at__isnull=True).exists():
        raise ActionError(
            "This person is under a legal hold: a compliance officer must release it first.",
            status=409,
        )
    with transaction.atomic():
        if user.deactivated_at is None:
            do_deactivate_user(actor=actor, user=user, reason="Erased")
        user.name = erased_name(user.pk)
        user.email = f"erased-{user.pk}@{ERASED_DOMAIN}"
        user.set_unusable_password()
        user.save(update_fields=["name", "email", "password"])
        _clear_profile(user)
        _end_access(user)
        _rewrite_mentions(user)
        Follow.objects.filter(person=user).delete()
        for export in DataExport.objects.filter(requested_by=user).exclude(file=""):
            export.file.delete(save=False)  # their own downloads carry the old identity
            DataExport.objects.filter(pk=export.pk).update(file="")
        record_audit_event(
            actor=actor, action="user.erase", target=user, reason=reason[:500],
            erased_at=timezone.now().isoformat(),
        )  # fmt: skip
    return user


def _clear_profile(user: User) -> None:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return
    if profile.photo:
        profile.photo.delete(save=False)
    for field in (
        "title", "ask_me_about", "working_on", "bio", "languages", "phone", "contact_email",
    ):  # fmt: skip
        setattr(profile, field, "")
    profile.team = None
    profile.location = None
    profile.manager = None
    profile.guest_visible_fields = []
    profile.save()
    profile.skills.clear()
    Profile.objects.filter(manager=user).update(manager=None)
    refresh_search_text(profile)


def _end_access(user: User) -> None:
    """Sessions, tokens, second factors, email addresses and identity-provider links."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from oauth2_provider.models import (
        get_access_token_model,
        get_grant_model,
        get_id_token_model,
        get_refresh_token_model,
    )

    from hallway.scim.models import ScimIdentity

    end_sessions(user)
    ApiToken.objects.filter(user=user).delete()
    for model in (
        get_refresh_token_model(),
        get_access_token_model(),
        get_id_token_model(),
        get_grant_model(),
    ):
        model.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    ScimIdentity.objects.filter(user=user).delete()


def _rewrite(body: str, user: User) -> str:
    def replace(match: re.Match[str]) -> str:
        if int(match.group(2)) != user.pk:
            return match.group(0)
        return mention_markup(name=user.name, user_id=user.pk)

    return MENTION_RE.sub(replace, body)


def _rewrite_mentions(user: User) -> None:
    """Others' posts and comments that mention the person now show the new name."""
    for post in Post.objects.filter(mentions=user).prefetch_related("mentions"):
        post.body = _rewrite(post.body, user)
        people = {person.pk: person.name for person in post.mentions.all()}
        post.body_html = render_markdown(post.body, people=people)
        Post.objects.filter(pk=post.pk).update(body=post.body, body_html=post.body_html)
        for revision in post.revisions.all():  # old versions carry the old name too
            revision.body = _rewrite(revision.body, user)
            revision.save(update_fields=["body"])
        search_sync.schedule_post(post.pk)
    for comment in Comment.objects.filter(mentions=user).prefetch_related("mentions"):
        comment.body = _rewrite(comment.body, user)
        people = {person.pk: person.name for person in comment.mentions.all()}
        comment.body_html = render_markdown(comment.body, people=people)
        Comment.objects.filter(pk=comment.pk).update(body=comment.body, body_html=comment.body_html)
        search_sync.schedule_comment(comment.pk)
