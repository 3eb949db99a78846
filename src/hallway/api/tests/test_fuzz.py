"""Random input never makes the API answer 5xx or anything but documented JSON.

Every response goes through the OpenAPI check of ``ApiClient`` as well.
"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hallway.api.tests.conftest import ApiClient, OpenApi, client_for, openapi

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

odd_strings = st.sampled_from(
    [
        "",
        " ",
        "-1",
        "0",
        "1",
        str(2**63),
        str(2**64),
        "1e3",
        "null",
        "true",
        "\x00",
        "\ud800",
        "%",
        "../..",
        "💥",
        "a" * 5000,
        "WyJhIiwgMV0",
        "W10",
    ]
)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**62, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    odd_strings,
)
json_value = st.recursive(
    scalar,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
param_value = st.one_of(st.text(max_size=60), st.integers().map(str), odd_strings)
PARAM_NAMES = [
    "q",
    "team",
    "location",
    "skill",
    "company",
    "cursor",
    "limit",
    "type",
    "kind",
    "state",
    "person_id",
    "topic",
    "company_id",
    "zzz",
]
params = st.dictionaries(st.sampled_from(PARAM_NAMES), param_value, max_size=5)

LISTS = ["people", "teams", "companies", "follows", "topics", "tokens", "users"]
DETAILS = ["people/{}", "teams/{}", "companies/{}", "tokens/{}", "users/{}", "users/{}/roles"]
BODY_KEYS = [
    "name",
    "title",
    "team_id",
    "location_id",
    "manager_id",
    "skills",
    "bio",
    "phone",
    "contact_email",
    "guest_visible_fields",
    "person_id",
    "topic",
    "company_id",
    "email",
    "kind",
    "company",
    "invite",
    "description",
    "website",
    "email_domain",
    "reason",
    "is_network_admin",
    "is_compliance_officer",
]
bodies = st.one_of(json_value, st.dictionaries(st.sampled_from(BODY_KEYS), json_value, max_size=6))
WRITES = [
    ("PATCH", "me"),
    ("POST", "follows"),
    ("DELETE", "follows"),
    ("POST", "tokens"),
    ("POST", "users"),
    ("POST", "companies"),
    ("PATCH", "users/{}/roles"),
    ("POST", "users/{}/deactivate"),
]


def encoded(query: dict[str, str]) -> str:
    """A query string that carries any text, even lone surrogates, as UTF-8 bytes."""
    return urlencode({key: value.encode("utf-8", "surrogatepass") for key, value in query.items()})


@FUZZ
@given(path=st.sampled_from(LISTS), query=params, as_guest=st.booleans())
def test_list_query_parameters(network, path, query, as_guest):
    client = client_for(network.guest if as_guest else network.admin)
    response = client.get(f"{path}?{encoded(query)}")
    assert response.status in {200, 400, 403, 422}


@FUZZ
@given(template=st.sampled_from(DETAILS), segment=param_value, query=params)
def test_path_segments(network, template, segment, query):
    client = client_for(network.member)
    in_url = quote(segment.encode("utf-8", "surrogatepass"), safe="")
    response = client.get(f"{template.format(in_url)}?{encoded(query)}")
    assert response.status in {200, 400, 403, 404, 405, 422}


@FUZZ
@given(
    write=st.sampled_from(WRITES), body=bodies, target=st.sampled_from(["member", "guest", "admin"])
)
def test_write_bodies(network, write, body, target):
    method, template = write
    client = client_for(network.admin)
    person = {"member": network.member, "guest": network.guest, "admin": network.admin}[target]
    response = client.request(method, template.format(person.pk), body)
    assert response.status in {200, 201, 204, 400, 404, 409, 422}


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_raw_bodies(network, raw):
    response = client_for(network.member).request("PATCH", "me", raw_body=raw or "x")
    assert response.status in {200, 400, 422}


def test_the_openapi_check_rejects_what_it_should(network):
    """The validator used by every test is not a rubber stamp."""
    from django.http import HttpResponse, JsonResponse

    checker: OpenApi = openapi()
    good = client_for(network.member).get("me").raw
    checker.check("GET", "/api/v1/me", good)
    extra_key = JsonResponse({**__import__("json").loads(good.content), "password": "x"})
    with pytest.raises(Exception, match="password"):
        checker.check("GET", "/api/v1/me", extra_key)
    with pytest.raises(AssertionError, match="does not document"):
        checker.check("GET", "/api/v1/me", JsonResponse({"detail": "x"}, status=409))
    with pytest.raises(AssertionError, match="answered 500"):
        checker.check("GET", "/api/v1/me", JsonResponse({"detail": "x"}, status=500))
    with pytest.raises(AssertionError, match="text/html"):
        checker.check("GET", "/api/v1/me", HttpResponse("<h1>hi</h1>", status=404))
    with pytest.raises(Exception, match="required"):
        checker.check("GET", "/api/v1/people", JsonResponse({"results": []}))
    assert ApiClient().get("me").status == 401
