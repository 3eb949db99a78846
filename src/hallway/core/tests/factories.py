"""Factories shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.posts.access import audience_for
from hallway.profiles.models import Location, Profile, Team, Topic

TEST_PASSWORD = "correct horse battery staple"


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Customer {n}")
    slug = factory.Sequence(lambda n: f"customer-{n}")
    kind = Company.Kind.CUSTOMER


def host_company() -> Company:
    return CompanyFactory(name="Northwind Systems", slug="northwind", kind=Company.Kind.HOST)


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"City {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(DjangoModelFactory):
    """An active member of the host company, with a profile."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@northwind.example")
    name = factory.Sequence(lambda n: f"Person {n:04d}")
    kind = User.Kind.MEMBER
    company = factory.LazyFunction(host_company)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def profile(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if not create:
            return
        from hallway.profiles.actions import ensure_profile

        profile = ensure_profile(obj)
        if kwargs:
            for key, value in kwargs.items():
                setattr(profile, key, value)
            profile.save()


class GuestFactory(UserFactory):
    email = factory.Sequence(lambda n: f"guest{n}@acme.example")
    name = factory.Sequence(lambda n: f"Guest {n:04d}")
    kind = User.Kind.GUEST
    company = factory.SubFactory(CompanyFactory, name="Acme Logistics", slug="acme")


def profile_of(user: User) -> Profile:
    return Profile.objects.get(user=user)


# --- groups and posts -------------------------------------------------------------------------
class GroupFactory(DjangoModelFactory):
    class Meta:
        model = "groups.Group"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    visibility = "public"
    join_policy = "open"

    @factory.post_generation
    def companies(obj, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted:
            obj.companies.set(extracted)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = "groups.Membership"

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    state = "active"


def add_member(group: Any, user: User, *, role: str = "member", state: str = "active") -> Any:
    return MembershipFactory(group=group, user=user, role=role, state=state)


class PostFactory(DjangoModelFactory):
    """A post; its audience follows its container unless given."""

    class Meta:
        model = "posts.Post"

    author = factory.SubFactory(UserFactory)
    group = None
    company = None
    kind = "update"
    body = factory.Sequence(lambda n: f"Post body {n}")
    body_html = factory.LazyAttribute(lambda o: f"<p>{o.body}</p>")
    audience = factory.LazyAttribute(lambda o: audience_for(group=o.group, company=o.company))


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = "posts.Comment"

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment {n}")
    body_html = factory.LazyAttribute(lambda o: f"<p>{o.body}</p>")
    audience = factory.LazyAttribute(lambda o: o.post.audience)
