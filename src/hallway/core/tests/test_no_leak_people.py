"""No-leak property test for people (DESIGN §5).

Hypothesis builds random networks: a host company, external companies, members, guests,
deactivated and invited people, each profile field holding a unique canary string and a random
set of guest-visible fields. An independent oracle (plain Python over the generated data, not
the ORM) decides who may see whom and which fields; every read path for people must show
exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.permissions import viewer_for
from hallway.profiles.access import people_visible_to
from hallway.profiles.models import Profile
from hallway.profiles.selectors import DirectoryFilters, people_directory

TEXT_FIELDS = ("title", "ask_me_about", "working_on", "bio", "languages", "phone")


@dataclass
class PersonSpec:
    index: int
    kind: str  # member | guest
    company: int  # 0 = host, 1.. = external
    state: str  # active | deactivated | invited
    guest_visible: frozenset[str]
    pk: int = 0
    canaries: dict[str, str] = field(default_factory=dict)


person_specs = st.builds(
    lambda kind, company, state, visible: (kind, company, state, visible),
    st.sampled_from(["member", "member", "guest"]),
    st.integers(min_value=1, max_value=2),
    st.sampled_from(["active", "active", "active", "deactivated", "invited"]),
    st.frozensets(st.sampled_from(TEXT_FIELDS)),
)


# --- the oracle: plain Python over the specs -----------------------------------------------
def oracle_can_list(viewer: PersonSpec, target: PersonSpec) -> bool:
    if viewer.state != "active" or target.state != "active":
        return False
    if viewer.kind == "member":
        return True
    return viewer.index == target.index or viewer.company == target.company


def oracle_can_open(viewer: PersonSpec, target: PersonSpec) -> bool:
    if viewer.state != "active":
        return False
    if viewer.kind == "member":
        return target.state in {"active", "deactivated"}
    return oracle_can_list(viewer, target)


def oracle_fields(viewer: PersonSpec, target: PersonSpec) -> frozenset[str]:
    if viewer.kind == "member" or viewer.index == target.index:
        return frozenset(TEXT_FIELDS)
    return target.guest_visible


class PeopleNoLeakTest(TestCase):
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(person_specs, min_size=2, max_size=7))
    def test_every_people_read_path_matches_the_oracle(self, raw_specs):
        host = Company.objects.create(name="Host", slug="host", kind=Company.Kind.HOST)
        externals = {
            n: Company.objects.create(name=f"Ext {n}", slug=f"ext-{n}", kind="customer")
            for n in (1, 2)
        }
        specs: list[PersonSpec] = []
        for index, (kind, company_no, state, visible) in enumerate(raw_specs):
            spec = PersonSpec(
                index=index,
                kind=kind,
                company=0 if kind == "member" else company_no,
                state=state,
                guest_visible=visible,
            )
            user = User.objects.create_user(
                f"p{index}@example.com",
                "pw-for-tests-123",
                name=f"Person {index:02d}",
                kind=kind,
                company=host if kind == "member" else externals[company_no],
            )
            if state != "active":
                user.is_active = False
                if state == "deactivated":
                    from django.utils import timezone

                    user.deactivated_at = timezone.now()
                user.save()
            spec.pk = user.pk
            spec.canaries = {f: f"canary{index}x{f}" for f in TEXT_FIELDS}
            Profile.objects.create(
                user=user,
                guest_visible_fields=sorted(visible),
                search_text=f"person {index:02d}",
                **spec.canaries,
            )
            specs.append(spec)

        for viewer_spec in specs:
            viewer_user = User.objects.get(pk=viewer_spec.pk)
            viewer = viewer_for(viewer_user)
            expected_list = {t.pk for t in specs if oracle_can_list(viewer_spec, t)}

            # 1. the queryset every list starts from, and the directory selector
            assert set(people_visible_to(viewer).values_list("pk", flat=True)) == expected_list
            page = people_directory(viewer, DirectoryFilters(), limit=100)
            assert {p.pk for p in page.results} == expected_list
            searched = people_directory(viewer, DirectoryFilters(q="person"), limit=100)
            assert {p.pk for p in searched.results} == expected_list

            if viewer_spec.state != "active":
                continue
            client = Client()
            client.force_login(viewer_user)
            self._check_http(client, viewer_spec, specs, expected_list)

    def _check_http(self, client: Client, viewer_spec, specs, expected_list):
        # 2. API list and details
        listed = client.get("/api/v1/people?limit=100")
        assert listed.status_code == 200
        assert {p["id"] for p in listed.json()["results"]} == expected_list
        directory = client.get("/people/?q=person")
        assert directory.status_code == 200
        for target in specs:
            detail_api = client.get(f"/api/v1/people/{target.pk}")
            detail_page = client.get(f"/people/{target.pk}/")
            if not oracle_can_open(viewer_spec, target):
                assert detail_api.status_code == 404
                assert detail_page.status_code == 404
                assert detail_api.json() == client.get("/api/v1/people/999999").json()
            else:
                assert detail_api.status_code == 200
                assert detail_page.status_code == 200
            allowed = (
                oracle_fields(viewer_spec, target)
                if oracle_can_open(viewer_spec, target)
                else frozenset()
            )
            listed_allowed = allowed if target.pk in expected_list else frozenset()
            for name, canary in target.canaries.items():
                for body, shown in (
                    (detail_api.content, name in allowed),
                    (detail_page.content, name in allowed),
                    (listed.content, name in listed_allowed),
                    (directory.content, name in listed_allowed),
                ):
                    if not shown:
                        assert canary.encode() not in body, (viewer_spec, target, name)
                if name in allowed:
                    assert canary.encode() in detail_api.content, (viewer_spec, target, name)
