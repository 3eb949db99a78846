from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Topic(models.Model):
    """A #tag: the vocabulary of skills, and (later) of posts. Followable."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    name = models.CharField(max_length=120, unique=True)
    country = models.CharField(max_length=80, blank=True)
    timezone = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A department in the host company's team tree."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
    )
    description = models.TextField(blank=True)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What a person tells the network about themselves (DESIGN §4).

    Each field in ``FIELDS_WITH_VISIBILITY`` is member-only unless listed in
    ``guest_visible_fields``; name, photo and company are always visible to whoever may see
    the person at all.
    """

    FIELDS_WITH_VISIBILITY = (
        "title",
        "team",
        "location",
        "manager",
        "skills",
        "ask_me_about",
        "working_on",
        "bio",
        "languages",
        "phone",
        "contact_email",
    )
    DEFAULT_GUEST_VISIBLE = ["title", "location", "skills", "ask_me_about"]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    title = models.CharField(max_length=150, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="profiles"
    )
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="profiles"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_report_profiles",
    )
    skills = models.ManyToManyField(Topic, blank=True, related_name="skilled_profiles")
    ask_me_about = models.CharField(max_length=300, blank=True)
    working_on = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True, max_length=4000)
    languages = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    photo = models.ImageField(upload_to="photos/", blank=True)
    guest_visible_fields = models.JSONField(default=list, blank=True)
    # Lower-cased name, title, skills and ask-me-about: what the directory searches.
    search_text = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["team"], name="profile_team"),
            models.Index(fields=["location"], name="profile_location"),
            models.Index(fields=["manager"], name="profile_manager"),
        ]

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class Follow(models.Model):
    """A person follows a person, a topic or a company; exactly one target is set."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, topic__isnull=True, company__isnull=True)
                    | Q(person__isnull=True, topic__isnull=False, company__isnull=True)
                    | Q(person__isnull=True, topic__isnull=True, company__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["follower", "person"],
                condition=Q(person__isnull=False),
                name="follow_person_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "topic"],
                condition=Q(topic__isnull=False),
                name="follow_topic_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "company"],
                condition=Q(company__isnull=False),
                name="follow_company_once",
            ),
        ]

    def __str__(self) -> str:
        return f"follow by {self.follower_id}"
