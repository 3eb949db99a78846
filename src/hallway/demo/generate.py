"""Build the demo network: a believable host company, its customers and partners.

Deterministic for a seed: everything random comes from one ``random.Random(seed)`` and the
dates are offsets from a fixed base date, so the same seed gives the same people, emails,
teams, managers and follows. Rows are written with ``bulk_create`` in one transaction, so
100,000 people take minutes, not hours.
"""

from __future__ import annotations

import math
import random
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.utils.text import slugify

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.demo import vocabulary as vocab
from hallway.demo.content import build_content
from hallway.demo.personas import DEMO_PASSWORD, PERSONA_NAMES, PERSONAS
from hallway.profiles.actions import build_search_text
from hallway.profiles.models import Follow, Location, Profile, Team, Topic
from hallway.search.sync import rebuild_index

BASE_DATE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DEFAULT_PEOPLE = 300
DEFAULT_SEED = 1
MIN_PEOPLE = 50
MAX_PEOPLE = 1_000_000
TEAM_SIZE = 9  # people per leaf team, lead included
MIN_DIVISION_SIZE = 5  # lead, staff, department lead, team lead, one member
BATCH_SIZE = 2000
HOST_DOMAIN = "northwind.example"

# Tables the rebuild empties, and with them every table that points at them.
WIPE_ROOTS: tuple[type[models.Model], ...] = (User, Company, Team, Topic, Location)


@dataclass(eq=False)
class DemoTeam:
    name: str
    slug: str
    depth: int
    division: str
    parent: DemoTeam | None = None
    lead: DemoPerson | None = None
    members: list[DemoPerson] = field(default_factory=list)
    pk: int = 0  # set once the row is written


@dataclass(eq=False)
class DemoPerson:
    name: str
    email: str
    title: str
    team: DemoTeam | None
    division: str
    kind: str = User.Kind.MEMBER
    company_slug: str = "northwind"
    manager: DemoPerson | None = None
    is_network_admin: bool = False
    is_compliance_officer: bool = False
    empty_profile: bool = False
    pk: int = 0  # set once the row is written


@dataclass(frozen=True)
class DemoSummary:
    people: int
    guests: int
    companies: int
    teams: int
    locations: int
    topics: int
    follows: int
    groups: int
    posts: int
    seconds: float
    personas: dict[str, str]
    password: str


def build_demo(
    *,
    people: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
    log: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Wipe the people side of the database and build the demo network for ``seed``.

    ``people`` counts the host company's members; guests of external companies come on top.
    """
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ValueError(f"--people must be between {MIN_PEOPLE} and {MAX_PEOPLE}.")
    say = log or (lambda message: None)
    started = time.monotonic()
    builder = _Builder(people=people, seed=seed)
    builder.plan()
    with transaction.atomic():
        say("Removing the previous network…")
        wipe_network()
        say(f"Writing {people} people…")
        counts = builder.write(say)
        say("Writing groups and conversations…")
        counts.update(build_content(seed=seed))
    say("Indexing for search…")
    rebuild_index()
    _analyze()
    return DemoSummary(
        people=people,
        guests=counts["guests"],
        companies=counts["companies"],
        teams=counts["teams"],
        locations=counts["locations"],
        topics=counts["topics"],
        follows=counts["follows"],
        groups=counts["groups"],
        posts=counts["posts"],
        seconds=time.monotonic() - started,
        personas=dict(PERSONAS),
        password=DEMO_PASSWORD,
    )


def wipe_network() -> None:
    """Delete people, companies, teams, topics, locations and everything that refers to them.

    Raw ``DELETE`` statements: the ORM's cascade collector would load every row into memory,
    and audit events refuse ORM deletes by design (append-only). The demo rebuild is the one
    place allowed to empty the audit log, because every actor in it is being deleted.
    """
    doomed = _tables_depending_on(WIPE_ROOTS)
    with connection.cursor() as cursor:
        for model in doomed:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Session._meta.db_table)}")  # noqa: S608


def _tables_depending_on(roots: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """The roots plus every model that refers to one of them, dependents first."""
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    doomed: set[type[models.Model]] = set(roots)
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model not in doomed and any(
                target in doomed for target in _references(model) if target is not model
            ):
                doomed.add(model)
                changed = True
    ordered: list[type[models.Model]] = []
    remaining = set(doomed)
    while remaining:
        # A table can go once no other remaining table refers to it.
        ready = sorted(
            (
                model
                for model in remaining
                if not any(model in _references(other) for other in remaining if other is not model)
            ),
            key=lambda m: m._meta.db_table,
        )
        if not ready:  # a reference cycle: constraints are deferred, any order works
            ready = sorted(remaining, key=lambda m: m._meta.db_table)
        ordered.extend(ready)
        remaining -= set(ready)
    return ordered


def _references(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not None
    }


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, so the first queries get good plans."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class _Builder:
    """Plans the whole network in memory (deterministically), then writes it in bulk."""

    def __init__(self, *, people: int, seed: int) -> None:
        self.size = people
        self.rng = random.Random(seed)
        self.teams: list[DemoTeam] = []
        self.people: list[DemoPerson] = []
        self.guests: list[DemoPerson] = []
        self.used_emails: set[str] = set(PERSONAS.values())
        self.used_slugs: set[str] = set()

    # --- planning -------------------------------------------------------------------------

    def plan(self) -> None:
        root = self._team("Northwind Systems", depth=0, division="", parent=None)
        ceo = self._person(root, "Chief Executive Officer", division="")
        root.lead = ceo
        sizes = self._division_sizes()
        for division, size in sizes.items():
            self._plan_division(root, division, size)
        self._place_personas()
        self._plan_guests()

    def _division_sizes(self) -> dict[str, int]:
        names = list(vocab.DIVISIONS)
        total_weight = sum(int(vocab.DIVISIONS[n]["weight"]) for n in names)  # type: ignore[call-overload]
        available = self.size - 1  # the CEO
        sizes = {
            n: max(
                MIN_DIVISION_SIZE,
                round(available * int(vocab.DIVISIONS[n]["weight"]) / total_weight),  # type: ignore[call-overload]
            )
            for n in names
        }
        sizes["Engineering"] += available - sum(sizes.values())
        return sizes

    def _plan_division(self, root: DemoTeam, division: str, size: int) -> None:
        spec = vocab.DIVISIONS[division]
        departments: dict[str, list[str]] = spec["departments"]  # type: ignore[assignment]
        leaf_count = max(1, round(size / TEAM_SIZE))
        department_count = min(leaf_count, math.ceil(math.sqrt(leaf_count)))
        # Lead + one staff member + department leads + team leads; the rest are members.
        while 2 + department_count + leaf_count > size - 1 and leaf_count > 1:
            leaf_count -= 1
            department_count = min(leaf_count, math.ceil(math.sqrt(leaf_count)))
        members_left = size - (2 + department_count + leaf_count)

        div_team = self._team(division, depth=1, division=division, parent=root)
        div_team.lead = self._person(div_team, f"Head of {division}", division=division)
        self._person(div_team, f"Chief of Staff, {division}", division=division)

        department_names = _numbered(list(departments), department_count)
        leaves: list[DemoTeam] = []
        for index, department_name in enumerate(department_names):
            department = self._team(department_name, depth=2, division=division, parent=div_team)
            department.lead = self._person(
                department, f"Director, {department_name}", division=division
            )
            base = (
                department_name.rsplit(" ", 1)[0]
                if department_name not in departments
                else department_name
            )
            team_names = departments.get(base, departments[next(iter(departments))])
            share = leaf_count // department_count + (
                1 if index < leaf_count % department_count else 0
            )
            for team_name in _numbered(team_names, share):
                leaf = self._team(team_name, depth=3, division=division, parent=department)
                leaf.lead = self._person(leaf, str(spec["lead_title"]), division=division)
                leaves.append(leaf)
        titles: list[str] = spec["titles"]  # type: ignore[assignment]
        for index in range(members_left):
            leaf = leaves[index % len(leaves)]
            self._person(leaf, self.rng.choice(titles), division=division)

    def _team(self, name: str, *, depth: int, division: str, parent: DemoTeam | None) -> DemoTeam:
        slug = slugify(name) or "team"
        if parent is not None and parent.depth >= 1:
            slug = f"{parent.slug}-{slug}"
        slug = slug[:140]
        candidate, n = slug, 1
        while candidate in self.used_slugs:
            n += 1
            candidate = f"{slug}-{n}"
        self.used_slugs.add(candidate)
        team = DemoTeam(name=name, slug=candidate, depth=depth, division=division, parent=parent)
        self.teams.append(team)
        return team

    def _person(self, team: DemoTeam, title: str, *, division: str) -> DemoPerson:
        name = f"{self.rng.choice(vocab.FIRST_NAMES)} {self.rng.choice(vocab.LAST_NAMES)}"
        person = DemoPerson(
            name=name,
            email=self._email(name, HOST_DOMAIN),
            title=title,
            team=team,
            division=division,
        )
        team.members.append(person)
        self.people.append(person)
        return person

    def _email(self, name: str, domain: str) -> str:
        first, _, last = name.partition(" ")
        local = f"{_ascii(first)}.{_ascii(last)}"
        candidate, n = f"{local}@{domain}", 1
        while candidate in self.used_emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_emails.add(candidate)
        return candidate

    def _place_personas(self) -> None:
        """Give the named personas their seats in the planned organisation."""
        by_title = {(p.team.name if p.team else "", p.title): p for p in self.people}
        divisions = {t.name: t for t in self.teams if t.depth == 1}

        def rename(person: DemoPerson, role: str, title: str | None = None) -> None:
            self.used_emails.discard(person.email)
            person.name = PERSONA_NAMES[role]
            person.email = PERSONAS[role]
            if title is not None:
                person.title = title

        rename(by_title[("Engineering", "Head of Engineering")], "manager")
        rename(
            by_title[("Engineering", "Chief of Staff, Engineering")],
            "engineer",
            "Staff Software Engineer",
        )
        amira = by_title[("Operations", "Chief of Staff, Operations")]
        rename(amira, "admin", "Digital Workplace Manager")
        amira.is_network_admin = True
        conrad = by_title[("Finance", "Chief of Staff, Finance")]
        rename(conrad, "compliance", "Compliance Officer")
        conrad.is_compliance_officer = True

        sales_leaf = self._first_leaf(divisions["Sales"])
        sofia = next(p for p in sales_leaf.members if p is not sales_leaf.lead)
        rename(sofia, "sales", "Account Executive")
        engineering_leaf = self._first_leaf(divisions["Engineering"])
        noah = next(p for p in engineering_leaf.members if p is not engineering_leaf.lead)
        rename(noah, "new_hire", "")
        noah.empty_profile = True

    def _first_leaf(self, division: DemoTeam) -> DemoTeam:
        return next(
            t
            for t in self.teams
            if t.depth == 3 and t.parent is not None and t.parent.parent is division
        )

    def _plan_guests(self) -> None:
        for name, slug, _kind, domain, _description, titles in vocab.EXTERNAL_COMPANIES:
            count = self.rng.randint(2, 5)
            for index in range(count):
                if slug == "acme" and index == 0:
                    guest_name, email = PERSONA_NAMES["guest"], PERSONAS["guest"]
                else:
                    guest_name = (
                        f"{self.rng.choice(vocab.FIRST_NAMES)} {self.rng.choice(vocab.LAST_NAMES)}"
                    )
                    email = self._email(guest_name, domain)
                self.guests.append(
                    DemoPerson(
                        name=guest_name,
                        email=email,
                        title=f"{self.rng.choice(titles)}, {name}",
                        team=None,
                        division="",
                        kind=User.Kind.GUEST,
                        company_slug=slug,
                    )
                )

    # --- writing --------------------------------------------------------------------------

    def write(self, say: Callable[[str], None]) -> dict[str, int]:
        rng = self.rng
        companies = self._write_companies()
        locations = self._write_locations()
        topics = self._write_topics()
        self._write_teams()

        # Hashing is deliberately slow (hundreds of ms per call); hash once and share it.
        password_hash = make_password(DEMO_PASSWORD)
        everyone = self.people + self.guests
        users = []
        for person in everyone:
            joined_days_ago = 2 if person.empty_profile else rng.randint(20, 3650)
            users.append(
                User(
                    email=person.email,
                    name=person.name,
                    kind=person.kind,
                    company_id=companies[person.company_slug].pk,
                    password=password_hash,
                    is_active=True,
                    is_network_admin=person.is_network_admin,
                    is_compliance_officer=person.is_compliance_officer,
                    date_joined=BASE_DATE
                    - timedelta(days=joined_days_ago, minutes=rng.randint(0, 600)),
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        if any(u.pk is None for u in users):  # backends that cannot return ids
            ids = dict(User.objects.values_list("email", "pk"))
            for user in users:
                user.pk = ids[user.email]
        for person, user in zip(everyone, users, strict=True):
            person.pk = user.pk
        say(f"  {len(users)} accounts")

        Team.objects.bulk_update(
            [Team(pk=t.pk, lead_id=t.lead.pk if t.lead else None) for t in self.teams],
            ["lead"],
            batch_size=BATCH_SIZE,
        )
        self._assign_managers()

        profiles, skill_rows = self._profiles(locations, topics)
        Profile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
        Profile.skills.through.objects.bulk_create(skill_rows, batch_size=BATCH_SIZE * 2)
        say(f"  {len(profiles)} profiles, {len(skill_rows)} skills")

        follows = self._follows(topics, companies)
        Follow.objects.bulk_create(follows, batch_size=BATCH_SIZE * 2)
        say(f"  {len(follows)} follows")
        return {
            "guests": len(self.guests),
            "companies": len(companies),
            "teams": len(self.teams),
            "locations": len(locations),
            "topics": len(topics),
            "follows": len(follows),
        }

    def _write_companies(self) -> dict[str, Company]:
        host = Company(
            name="Northwind Systems",
            slug="northwind",
            kind=Company.Kind.HOST,
            description=(
                "Northwind Systems builds the software that tracks goods from warehouse to "
                "doorstep, for retailers, carriers and banks in 30 countries."
            ),
            website="https://northwind.example",
            email_domain=HOST_DOMAIN,
        )
        companies = [host] + [
            Company(
                name=name,
                slug=slug,
                kind=kind,
                description=description,
                website=f"https://{domain}",
                email_domain=domain,
            )
            for name, slug, kind, domain, description, _titles in vocab.EXTERNAL_COMPANIES
        ]
        for company in companies:
            company.full_clean(exclude=["logo"])
            company.save()
        return {c.slug: c for c in companies}

    def _write_locations(self) -> list[Location]:
        locations = [
            Location(name=name, country=country, timezone=tz)
            for name, country, tz, _phone, _langs in vocab.LOCATIONS
        ]
        return Location.objects.bulk_create(locations)

    def _write_topics(self) -> dict[str, Topic]:
        names: list[str] = list(vocab.COMMON_SKILLS)
        for spec in vocab.DIVISIONS.values():
            names.extend(spec["skills"])  # type: ignore[arg-type]
        topics: dict[str, Topic] = {}
        for name in names:
            slug = slugify(name)
            if slug not in {t.slug for t in topics.values()}:
                topics[name] = Topic(slug=slug, name=name)
        Topic.objects.bulk_create(list(topics.values()))
        if any(t.pk is None for t in topics.values()):
            ids = dict(Topic.objects.values_list("slug", "pk"))
            for topic in topics.values():
                topic.pk = ids[topic.slug]
        return topics

    def _write_teams(self) -> None:
        for depth in range(4):
            level = [t for t in self.teams if t.depth == depth]
            rows = [
                Team(
                    name=t.name,
                    slug=t.slug,
                    depth=t.depth,
                    parent_id=t.parent.pk if t.parent else None,
                    description=_team_description(t),
                )
                for t in level
            ]
            Team.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            if any(r.pk is None for r in rows):
                ids = dict(Team.objects.filter(depth=depth).values_list("slug", "pk"))
                for row in rows:
                    row.pk = ids[row.slug]
            for team, row in zip(level, rows, strict=True):
                team.pk = row.pk

    def _assign_managers(self) -> None:
        """Members report to their team's lead; a lead reports to the parent team's lead."""
        for person in self.people:
            team = person.team
            assert team is not None
            if team.lead is not person:
                person.manager = team.lead
            elif team.parent is not None:
                person.manager = team.parent.lead

    def _profiles(
        self, locations: list[Location], topics: dict[str, Topic]
    ) -> tuple[list[Profile], list[Any]]:
        rng = self.rng
        through = Profile.skills.through
        profiles: list[Profile] = []
        skill_rows: list[Any] = []
        customers = [c[0] for c in vocab.EXTERNAL_COMPANIES if c[2] == "customer"]
        for person in self.people + self.guests:
            location_index = rng.choices(range(len(locations)), weights=vocab.LOCATION_WEIGHTS)[0]
            location = locations[location_index]
            _name, _country, _tz, phone_prefix, local_languages = vocab.LOCATIONS[location_index]
            if person.empty_profile:
                profiles.append(
                    Profile(
                        user_id=person.pk,
                        title="",
                        team_id=person.team.pk if person.team else None,
                        location_id=location.pk,
                        manager_id=person.manager.pk if person.manager else None,
                        guest_visible_fields=list(Profile.DEFAULT_GUEST_VISIBLE),
                        search_text=build_search_text(
                            name=person.name, title="", ask_me_about="", skills=[]
                        ),
                    )
                )
                continue
            division_skills: list[str] = (
                vocab.DIVISIONS[person.division]["skills"]  # type: ignore[assignment]
                if person.division
                else [s for spec in vocab.DIVISIONS.values() for s in spec["skills"]]  # type: ignore[attr-defined]
            )
            chosen = rng.sample(division_skills, k=min(len(division_skills), rng.randint(2, 5)))
            if rng.random() < 0.4:
                chosen.append(rng.choice(vocab.COMMON_SKILLS))
            chosen = list(dict.fromkeys(chosen))
            words = {
                "skill": chosen[0],
                "skill2": chosen[1] if len(chosen) > 1 else chosen[0],
                "team": person.team.name if person.team else person.company_slug.title(),
                "division": person.division or "the partnership",
                "location": location.name,
                "customer": rng.choice(customers),
                "system": rng.choice(vocab.SYSTEMS),
                "first": person.name.split(" ")[0],
                "years": rng.randint(2, 15),
                "previous": rng.choice(vocab.PREVIOUS_EMPLOYERS),
                "hobby": rng.choice(vocab.HOBBIES),
            }
            ask_me_about = rng.choice(vocab.ASK_ME_TEMPLATES).format(**words)[:300]
            working_on = rng.choice(vocab.WORKING_ON_TEMPLATES).format(**words)[:300]
            bio = rng.choice(vocab.BIO_TEMPLATES).format(**words)
            languages = list(local_languages)
            if rng.random() < 0.3:
                languages.append(rng.choice(vocab.EXTRA_LANGUAGES))
            profiles.append(
                Profile(
                    user_id=person.pk,
                    title=person.title,
                    team_id=person.team.pk if person.team else None,
                    location_id=location.pk,
                    manager_id=person.manager.pk if person.manager else None,
                    ask_me_about=ask_me_about,
                    working_on=working_on,
                    bio=bio,
                    languages=", ".join(dict.fromkeys(languages)),
                    phone=f"{phone_prefix} {rng.randint(0, 9999):04d}",
                    guest_visible_fields=_guest_visible_fields(rng),
                    search_text=build_search_text(
                        name=person.name,
                        title=person.title,
                        ask_me_about=ask_me_about,
                        skills=chosen,
                    ),
                )
            )
            skill_rows.extend(
                through(profile_id=person.pk, topic_id=topics[skill].pk) for skill in chosen
            )
        return profiles, skill_rows

    def _follows(self, topics: dict[str, Topic], companies: dict[str, Company]) -> list[Follow]:
        rng = self.rng
        follows: list[Follow] = []
        topic_list = list(topics.values())
        customer_ids = [c.pk for c in companies.values() if c.kind == Company.Kind.CUSTOMER]
        for person in self.people:
            people_followed: set[int] = set()
            if person.manager is not None:
                people_followed.add(person.manager.pk)
            if person.team is not None and rng.random() < 0.6:
                mates = [m for m in person.team.members if m is not person]
                for mate in rng.sample(mates, k=min(len(mates), rng.randint(1, 3))):
                    people_followed.add(mate.pk)
            follows.extend(
                Follow(follower_id=person.pk, person_id=pk) for pk in sorted(people_followed)
            )
            if rng.random() < 0.35:
                for topic in rng.sample(topic_list, k=rng.randint(1, 3)):
                    follows.append(Follow(follower_id=person.pk, topic_id=topic.pk))
            if person.division in {"Sales", "Customer Success"} or rng.random() < 0.05:
                for company_id in rng.sample(customer_ids, k=rng.randint(1, 2)):
                    follows.append(Follow(follower_id=person.pk, company_id=company_id))
        for guest in self.guests:
            follows.append(
                Follow(follower_id=guest.pk, company_id=companies[guest.company_slug].pk)
            )
        return follows


def _numbered(names: list[str], count: int) -> list[str]:
    """``count`` names from the list, numbered once the list runs out: Web, Mobile, Web 2…"""
    result = []
    for index in range(count):
        base = names[index % len(names)]
        round_number = index // len(names) + 1
        result.append(base if round_number == 1 else f"{base} {round_number}")
    return result


def _team_description(team: DemoTeam) -> str:
    if team.depth == 0:
        return "Everyone at Northwind Systems."
    if team.depth == 1:
        return f"The {team.name} division of Northwind Systems."
    parent = team.parent.name if team.parent else ""
    return f"{team.name}, part of {parent} in {team.division}."


def _guest_visible_fields(rng: random.Random) -> list[str]:
    roll = rng.random()
    default = list(Profile.DEFAULT_GUEST_VISIBLE)
    if roll < 0.80:
        return default
    if roll < 0.90:
        return [*default, "team", "languages"]
    if roll < 0.95:
        return ["title"]
    return [*default, "working_on", "bio"]
