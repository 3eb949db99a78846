"""Writes for profiles, photos and follows."""

from __future__ import annotations

import io
import unicodedata
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

from hallway.core.errors import ActionError
from hallway.notifications.triggers import notify
from hallway.profiles.models import Follow, Location, Profile, Team, Topic

if TYPE_CHECKING:
    from hallway.accounts.models import User
    from hallway.companies.models import Company

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_SIZE = 256
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SKILLS = 30

TEXT_LIMITS = {
    "title": 150,
    "ask_me_about": 300,
    "working_on": 300,
    "bio": 4000,
    "languages": 200,
    "phone": 40,
    "contact_email": 254,
}


def ensure_profile(user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(
        user=user, defaults={"guest_visible_fields": list(Profile.DEFAULT_GUEST_VISIBLE)}
    )
    if not profile.search_text:
        refresh_search_text(profile)
    return profile


def fold_accents(text: str) -> str:
    """ "García" → "garcia": the directory finds people whether or not the query has accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def build_search_text(*, name: str, title: str, ask_me_about: str, skills: list[str]) -> str:
    text = " ".join(part for part in [name, title, " ".join(skills), ask_me_about] if part)
    return fold_accents(text).lower()


def refresh_search_text(profile: Profile) -> None:
    skills = list(profile.skills.values_list("name", flat=True)) if profile.pk else []
    profile.search_text = build_search_text(
        name=profile.user.name,
        title=profile.title,
        ask_me_about=profile.ask_me_about,
        skills=skills,
    )
    Profile.objects.filter(pk=profile.pk).update(search_text=profile.search_text)


def topic_for_name(name: str) -> Topic:
    """The topic for a skill or #tag, created on first use."""
    label = name.strip().lstrip("#").strip()
    slug = slugify(label)[:100]
    if not slug:
        raise ActionError(f"“{name}” is not a valid skill or topic.", field="skills")
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        try:
            with transaction.atomic():
                topic = Topic.objects.create(slug=slug, name=label[:100])
        except IntegrityError:
            topic = Topic.objects.get(slug=slug)
    return topic


def do_update_profile(*, actor: User, profile: Profile, changes: dict[str, Any]) -> Profile:
    """Apply validated changes to a profile; all or nothing.

    ``changes`` may hold: name, title, team (Team|None), location (Location|None),
    manager (User|None), skills (list of names), ask_me_about, working_on, bio, languages,
    phone, contact_email, guest_visible_fields (list of field names).
    """
    errors: dict[str, str] = {}
    for field, limit in TEXT_LIMITS.items():
        if field in changes:
            value = (changes[field] or "").strip()
            if len(value) > limit:
                errors[field] = f"At most {limit} characters."
            changes[field] = value
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            errors["name"] = "Enter a name."
        elif len(name) > 150:
            errors["name"] = "At most 150 characters."
        changes["name"] = name
    if "team" in changes and changes["team"] is not None and not isinstance(changes["team"], Team):
        errors["team"] = "Choose a team."
    if (
        "location" in changes
        and changes["location"] is not None
        and not isinstance(changes["location"], Location)
    ):
        errors["location"] = "Choose a location."
    if changes.get("manager") is not None:
        manager = changes["manager"]
        if manager.pk == profile.user_id:
            errors["manager"] = "A person cannot be their own manager."
        elif not manager.is_member:
            errors["manager"] = "A manager must be a member of the host company."
        elif _would_cycle(manager.pk, profile.user_id):
            errors["manager"] = "That would make a loop in the reporting chain."
    if "skills" in changes:
        names = [s.strip() for s in changes["skills"] if s and s.strip()]
        if len(names) > MAX_SKILLS:
            errors["skills"] = f"At most {MAX_SKILLS} skills."
        changes["skills"] = names
    if "guest_visible_fields" in changes:
        unknown = set(changes["guest_visible_fields"]) - set(Profile.FIELDS_WITH_VISIBILITY)
        if unknown:
            errors["guest_visible_fields"] = "Unknown fields: " + ", ".join(sorted(unknown))
    if errors:
        raise ProfileValidationError(errors)
    policy = _check_profile_policy(actor=actor, profile=profile, changes=changes)

    with transaction.atomic():
        for outcome in policy:
            outcome.record()
        user = profile.user
        if "name" in changes and changes["name"] != user.name:
            user.name = changes["name"]
            user.save(update_fields=["name"])
        for field in (
            "title",
            "team",
            "location",
            "manager",
            "ask_me_about",
            "working_on",
            "bio",
            "languages",
            "phone",
            "contact_email",
            "guest_visible_fields",
        ):
            if field in changes:
                setattr(profile, field, changes[field])
        profile.save()
        if "skills" in changes:
            profile.skills.set([topic_for_name(name) for name in changes["skills"]])
        refresh_search_text(profile)
    return profile


# Free-text fields the content policy reads (contact fields are contact data by design).
POLICY_FIELDS = ("title", "ask_me_about", "working_on", "bio", "languages")


def _check_profile_policy(*, actor: User, profile: Profile, changes: dict[str, Any]) -> list[Any]:
    """Run the content policy on changed free-text fields; guest-visible ones count as
    external. Blocks raise; a warn needs ``changes["policy_justification"]``; matches of
    redact rules are masked in ``changes``; a hold rule blocks (a profile cannot wait)."""
    from hallway.policy.checks import check_content
    from hallway.policy.engine import Target

    visible = set(changes.get("guest_visible_fields", profile.guest_visible_fields) or [])
    justification = changes.pop("policy_justification", None)
    outcomes = []
    for guest_visible in (True, False):
        texts = {
            field: changes[field]
            for field in POLICY_FIELDS
            if changes.get(field) and (field in visible) == guest_visible
        }
        if not texts:
            continue
        result = check_content(
            author=actor,
            subject="profile",
            texts=texts,
            target=Target.for_profile(guest_visible=guest_visible),
            justification=justification,
            can_hold=False,
        )
        changes.update(result.texts)
        outcomes.append(result)
    return outcomes


def _would_cycle(manager_id: int, user_id: int) -> bool:
    """True if user_id already appears in manager_id's chain of managers."""
    seen: set[int] = set()
    current: int | None = manager_id
    while current is not None and current not in seen:
        if current == user_id:
            return True
        seen.add(current)
        current = (
            Profile.objects.filter(user_id=current).values_list("manager_id", flat=True).first()
        )
    return False


class ProfileValidationError(ActionError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), status=400)
        self.errors = errors


def render_photo(data: bytes) -> bytes:
    """Check an uploaded photo (size, real image type) and resize it to a square PNG/JPEG."""
    if len(data) > PHOTO_MAX_BYTES:
        raise ActionError("The photo is larger than 5 MB.", field="photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        source = Image.open(io.BytesIO(data))
        if source.format not in PHOTO_FORMATS:
            raise ActionError("Upload a JPEG, PNG, WebP or GIF image.", field="photo")
        if source.width * source.height > 40_000_000:
            raise ActionError("The image has too many pixels.", field="photo")
        image: Image.Image = source.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ActionError("That file is not an image we can read.", field="photo") from exc
    side = min(image.size)
    left = (image.width - side) // 2
    top = (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize(
        (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def do_set_photo(*, actor: User, profile: Profile, data: bytes | None) -> Profile:
    """Replace (or with None, remove) a profile photo."""
    content = render_photo(data) if data is not None else None
    with transaction.atomic():
        old = profile.photo.name if profile.photo else None
        if content is None:
            profile.photo = ""
            profile.save(update_fields=["photo", "updated_at"])
        else:
            profile.photo.save(f"{profile.user_id}.jpg", ContentFile(content), save=False)
            profile.save(update_fields=["photo", "updated_at"])
        if old and old != profile.photo.name:
            storage = profile.photo.storage
            transaction.on_commit(lambda: storage.delete(old))
    return profile


def do_follow(
    *,
    follower: User,
    person: User | None = None,
    topic: Topic | None = None,
    company: Company | None = None,
) -> Follow:
    """Follow one person, topic or company (idempotent). Callers check visibility first."""
    if sum(x is not None for x in (person, topic, company)) != 1:
        raise ActionError("Follow exactly one person, topic or company.")
    if person is not None and person.pk == follower.pk:
        raise ActionError("You cannot follow yourself.")
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            follower=follower, person=person, topic=topic, company=company
        )
        if created and person is not None:
            notify("followed", person_id=person.pk, actor_id=follower.pk)
    return follow


def do_unfollow(
    *,
    follower: User,
    person: User | None = None,
    topic: Topic | None = None,
    company: Company | None = None,
) -> None:
    if sum(x is not None for x in (person, topic, company)) != 1:
        raise ActionError("Unfollow exactly one person, topic or company.")
    Follow.objects.filter(follower=follower, person=person, topic=topic, company=company).delete()
