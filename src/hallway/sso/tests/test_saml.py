"""SAML 2.0 sign-in against an identity provider built on pysaml2, running in the test.

The IdP signs with a key and certificate made here with ``cryptography``; its responses are
POSTed to our Assertion Consumer Service through Django's test client, as a browser would.
"""

from __future__ import annotations

import base64
import datetime
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.internal.statekit import STATES_SESSION_KEY
from allauth.socialaccount.models import SocialAccount
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import Client
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

from hallway.accounts.actions import do_deactivate_user
from hallway.accounts.models import User
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import UserFactory
from hallway.sso.actions import do_save_saml_provider
from hallway.sso.models import OidcProvider, SamlAssertionSeen
from hallway.sso.tests.conftest import _serve

pytestmark = pytest.mark.django_db(transaction=False)

IDP_ENTITY_ID = "https://idp.northwind.example/saml/metadata"
IDP_SSO_URL = "https://idp.northwind.example/saml/sso"
IDP_SLO_URL = "https://idp.northwind.example/saml/slo"
HOST = "127.0.0.1"

EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
CLAIMS = "http://schemas.northwind.example/claims/"  # Entra ID style names, dots and all
NINA = {
    EMAIL: ["nina@northwind.example"],
    f"{CLAIMS}displayname": ["Nina North"],
    "jobTitle": ["Platform engineer"],
    "department": ["Platform"],
    "manager_email": ["max@northwind.example"],
    "city": ["Berlin"],
}


def _key_and_cert(directory: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class Idp:
    """A pysaml2 identity provider; ``server(...)`` builds one that knows our SP metadata."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key = _key_and_cert(directory, "idp")
        self.other_key = _key_and_cert(directory, "intruder")
        self.sp_metadata: list[str] = []

    def config(self, key: tuple[str, str], lifetime_minutes: int = 15) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": IDP_ENTITY_ID,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": key[0],
                "cert_file": key[1],
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(IDP_SSO_URL, BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(IDP_SLO_URL, BINDING_HTTP_REDIRECT)],
                        },
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": lifetime_minutes},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_BASIC,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
                "metadata": {"inline": self.sp_metadata},
            }
        )
        return config

    def metadata_xml(self) -> str:
        return str(create_metadata_string(None, config=self.config(self.key), sign=False).decode())

    def server(self, key: tuple[str, str] | None = None, lifetime_minutes: int = 15) -> Server:
        return Server(config=self.config(key or self.key, lifetime_minutes))


@pytest.fixture
def idp() -> Iterator[Idp]:
    assert shutil.which("xmlsec1"), "pysaml2 signs with the xmlsec1 binary (make install)"
    with tempfile.TemporaryDirectory() as directory:
        yield Idp(Path(directory))


def configure_saml(admin: User, idp: Idp, client: Client, **options: Any) -> OidcProvider:
    provider = do_save_saml_provider(
        actor=admin,
        provider=None,
        name="Northwind Entra ID",
        entity_id=IDP_ENTITY_ID,
        metadata_url="",
        metadata_xml=idp.metadata_xml(),
        domains=["northwind.example"],
        claim_map={"name": f"{CLAIMS}displayname", "title": "jobTitle", "location": "city"},
        **options,
    )
    response = client.get(f"/accounts/saml/{provider.slug}/metadata/", HTTP_HOST=HOST)
    assert response.status_code == 200, response.content[:500]
    idp.sp_metadata.append(response.content.decode())
    return provider


def start(client: Client, email: str) -> str:
    """Press "Continue with your company account": returns the AuthnRequest's ID."""
    response = client.post("/accounts/sso/", {"email": email}, HTTP_HOST=HOST)
    assert response.status_code == 302, response.content[:1000]
    location = urlsplit(response["Location"])
    assert f"https://{location.netloc}{location.path}" == IDP_SSO_URL
    saml_request = parse_qs(location.query)["SAMLRequest"][0]
    xml = zlib.decompress(base64.b64decode(saml_request), -15).decode()
    return xml.split(' ID="', 1)[1].split('"', 1)[0]


def acs_url(provider: OidcProvider) -> str:
    return f"http://{HOST}/accounts/saml/{provider.slug}/acs/"


def sp_entity_id(provider: OidcProvider) -> str:
    return f"http://{HOST}/accounts/saml/{provider.slug}/metadata/"


def saml_response(
    server: Server,
    provider: OidcProvider,
    request_id: str,
    attributes: dict[str, list[str]],
    *,
    sign_assertion: bool = True,
    audience: str | None = None,
    subject: str = "nina-0001",
    sign_alg: str = SIG_RSA_SHA256,
    destination: str | None = None,
) -> str:
    response = server.create_authn_response(
        identity=attributes,
        in_response_to=request_id,
        destination=destination or acs_url(provider),
        sp_entity_id=audience or sp_entity_id(provider),
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
        sign_assertion=sign_assertion,
        sign_response=False,
        sign_alg=sign_alg,
        digest_alg=DIGEST_SHA256 if sign_alg == SIG_RSA_SHA256 else DIGEST_SHA1,
    )
    return base64.b64encode(str(response).encode()).decode()


def post_acs(client: Client, provider: OidcProvider, encoded: str) -> Any:
    """POST the response as the browser would, and follow allauth's redirect to finish."""
    response = client.post(
        f"/accounts/saml/{provider.slug}/acs/", {"SAMLResponse": encoded}, HTTP_HOST=HOST
    )
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"], HTTP_HOST=HOST)


def _refusals(reason: str) -> int:
    return AuditEvent.objects.filter(action="sso.login_refused", data__reason=reason).count()


def _failure(text: str) -> bool:
    """Whether a refused SAML response was audited with python3-saml's reason."""
    return any(
        text in event.data.get("reason", "")
        for event in AuditEvent.objects.filter(action="sso.login_failed")
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sp_metadata_is_published(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    xml = idp.sp_metadata[0]
    assert f'entityID="{sp_entity_id(provider)}"' in xml
    assert acs_url(provider) in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_jit_member_with_mapped_profile(admin, idp, client) -> None:
    manager = UserFactory(email="max@northwind.example", name="Max Manager")
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    encoded = saml_response(idp.server(), provider, request_id, NINA)
    response = post_acs(client, provider, encoded)
    assert response.status_code == 302, list(AuditEvent.objects.values_list("action", "data"))
    assert _signed_in(client)
    nina = User.objects.get(email="nina@northwind.example")
    assert nina.kind == User.Kind.MEMBER and nina.is_active
    assert nina.name == "Nina North"
    profile = nina.profile
    assert profile.title == "Platform engineer"
    assert profile.team is not None and profile.team.name == "Platform"
    assert profile.location is not None and profile.location.name == "Berlin"
    assert profile.manager == manager
    account = SocialAccount.objects.get(user=nina)
    assert (account.provider, account.uid) == (provider.slug, "nina-0001")
    assert AuditEvent.objects.filter(action="sso.jit_create", target_id=str(nina.pk)).exists()
    assert SamlAssertionSeen.objects.filter(provider=provider).count() == 1

    # The next sign-in uses the linked account; no second person is created.
    again = Client()
    request_id = start(again, "nina@northwind.example")
    response = post_acs(again, provider, saml_response(idp.server(), provider, request_id, NINA))
    assert response.status_code == 302 and _signed_in(again)
    assert User.objects.filter(email="nina@northwind.example").count() == 1


def test_metadata_from_url(admin, idp, client) -> None:
    """The IdP's metadata is read from its URL (a server on 127.0.0.1) when one is given."""
    metadata = idp.metadata_xml().encode()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
        return [metadata]

    for running in _serve(app):
        provider = do_save_saml_provider(
            actor=admin,
            provider=None,
            name="Northwind Okta",
            entity_id=IDP_ENTITY_ID,
            metadata_url=f"{running.url}/metadata.xml",
            metadata_xml=None,
            domains=["northwind.example"],
        )
        assert provider.saml_metadata_xml == ""
        sp = client.get(f"/accounts/saml/{provider.slug}/metadata/", HTTP_HOST=HOST)
        idp.sp_metadata.append(sp.content.decode())
        request_id = start(client, "nina@northwind.example")
    response = post_acs(client, provider, saml_response(idp.server(), provider, request_id, NINA))
    assert response.status_code == 302 and _signed_in(client)


def test_existing_member_is_linked(admin, idp, client) -> None:
    nina = UserFactory(email="nina@northwind.example", name="Nina")
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    post_acs(client, provider, saml_response(idp.server(), provider, request_id, NINA))
    assert client.session["_auth_user_id"] == str(nina.pk)
    assert AuditEvent.objects.filter(action="sso.link", target_id=str(nina.pk)).exists()


def test_unsigned_assertion_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    encoded = saml_response(idp.server(), provider, request_id, NINA, sign_assertion=False)
    response = post_acs(client, provider, encoded)
    assert response.status_code == 401
    assert not _signed_in(client)
    assert not User.objects.filter(email="nina@northwind.example").exists()
    assert AuditEvent.objects.filter(action="sso.login_failed").exists()
    assert _failure("is not signed")


def test_assertion_signed_by_another_key_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    intruder = idp.server(key=idp.other_key)
    response = post_acs(client, provider, saml_response(intruder, provider, request_id, NINA))
    assert response.status_code == 401
    assert not _signed_in(client)
    assert not User.objects.filter(email="nina@northwind.example").exists()
    assert _failure("Signature validation failed")


def test_sha1_signature_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    encoded = saml_response(idp.server(), provider, request_id, NINA, sign_alg=SIG_RSA_SHA1)
    assert post_acs(client, provider, encoded).status_code == 401
    assert not _signed_in(client)
    assert _failure("Deprecated signature algorithm")


def test_wrong_audience_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    other_sp = "https://other-app.example/saml/metadata/"
    idp.sp_metadata.append(idp.sp_metadata[0].replace(sp_entity_id(provider), other_sp))
    request_id = start(client, "nina@northwind.example")
    encoded = saml_response(idp.server(), provider, request_id, NINA, audience=other_sp)
    response = post_acs(client, provider, encoded)
    assert response.status_code == 401
    assert not _signed_in(client)
    assert _failure("not a valid audience")


def test_wrong_destination_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    encoded = saml_response(
        idp.server(), provider, request_id, NINA, destination="http://127.0.0.1/elsewhere/acs/"
    )
    assert post_acs(client, provider, encoded).status_code == 401
    assert not _signed_in(client)
    assert _failure("instead of http://127.0.0.1/elsewhere/acs/")


def test_expired_assertion_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    stale = idp.server(lifetime_minutes=-30)
    response = post_acs(client, provider, saml_response(stale, provider, request_id, NINA))
    assert response.status_code == 401
    assert not _signed_in(client)
    assert _failure("expired")


def test_response_to_no_request_is_refused(admin, idp, client) -> None:
    """IdP-initiated sign-in (no AuthnRequest from this browser) is refused."""
    provider = configure_saml(admin, idp, client)
    encoded = saml_response(idp.server(), provider, "_not-our-request", NINA)
    response = post_acs(client, provider, encoded)
    assert response.status_code >= 400
    assert not _signed_in(client)


def test_replayed_assertion_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    states = dict(client.session[STATES_SESSION_KEY])
    encoded = saml_response(idp.server(), provider, request_id, NINA)
    assert post_acs(client, provider, encoded).status_code == 302
    assert _signed_in(client)

    # Another browser replays the captured response, even holding the same sign-in state.
    attacker = Client()
    session = attacker.session
    session[STATES_SESSION_KEY] = states
    session.save()
    response = post_acs(attacker, provider, encoded)
    assert response.status_code == 403
    assert not _signed_in(attacker)
    assert _refusals("replay") == 1

    # Without that state the response is not even considered.
    stranger = Client()
    assert post_acs(stranger, provider, encoded).status_code == 403
    assert not _signed_in(stranger)


def test_unverified_address_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    unverified = {**NINA, "email_verified": ["false"]}
    response = post_acs(
        client, provider, saml_response(idp.server(), provider, request_id, unverified)
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="nina@northwind.example").exists()
    assert _refusals("email_not_verified") == 1


def test_missing_verified_attribute_needs_trust(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client, trust_email_without_verified_claim=False)
    request_id = start(client, "nina@northwind.example")
    response = post_acs(client, provider, saml_response(idp.server(), provider, request_id, NINA))
    assert response.status_code == 403
    assert _refusals("email_not_verified") == 1


def test_address_of_unrouted_domain_is_refused(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    elsewhere = {**NINA, EMAIL: ["mallory@contoso.example"]}
    response = post_acs(
        client, provider, saml_response(idp.server(), provider, request_id, elsewhere)
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="mallory@contoso.example").exists()
    assert _refusals("domain_not_routed") == 1


def test_deactivated_member_is_refused(admin, idp, client) -> None:
    nina = UserFactory(email="nina@northwind.example")
    do_deactivate_user(actor=admin, user=nina)
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    response = post_acs(client, provider, saml_response(idp.server(), provider, request_id, NINA))
    assert response.status_code == 403
    assert not _signed_in(client)
    assert _refusals("deactivated") == 1


def _logout_request_url(server: Server, provider: OidcProvider, *, sign: bool) -> str:
    sls = f"http://{HOST}/accounts/saml/{provider.slug}/sls/"
    _, request = server.create_logout_request(
        destination=sls,
        issuer_entity_id=sp_entity_id(provider),
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text="nina-0001"),
        sign=False,
    )
    binding = server.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), destination=sls, sign=sign, sigalg=SIG_RSA_SHA256
    )
    location = dict(binding["headers"])["Location"]
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def test_idp_initiated_single_logout(admin, idp, client) -> None:
    provider = configure_saml(admin, idp, client)
    request_id = start(client, "nina@northwind.example")
    post_acs(client, provider, saml_response(idp.server(), provider, request_id, NINA))
    assert _signed_in(client)

    # Unsigned, or signed by another key: refused, the session stays.
    unsigned = _logout_request_url(idp.server(), provider, sign=False)
    assert client.get(unsigned, HTTP_HOST=HOST).status_code == 400
    forged = _logout_request_url(idp.server(key=idp.other_key), provider, sign=True)
    assert client.get(forged, HTTP_HOST=HOST).status_code == 400
    assert _signed_in(client)

    # Signed by the IdP: signed out, and sent back to the IdP with a LogoutResponse.
    response = client.get(_logout_request_url(idp.server(), provider, sign=True), HTTP_HOST=HOST)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith(IDP_SLO_URL + "?SAMLResponse=")
    assert not _signed_in(client)


def test_admin_adds_saml_provider_with_uploaded_metadata(admin, idp, client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin)
    response = client.post(
        "/accounts/admin/sso/new-saml/",
        {
            "name": "Northwind Okta",
            "entity_id": IDP_ENTITY_ID,
            "metadata_url": "",
            "metadata_file": SimpleUploadedFile(
                "metadata.xml", idp.metadata_xml().encode(), content_type="text/xml"
            ),
            "domains": "northwind.example",
            "is_enabled": "on",
            "trust_email_without_verified_claim": "on",
            "claim_title": "jobTitle",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    provider = OidcProvider.objects.get(name="Northwind Okta")
    assert provider.is_saml and provider.claim_map == {"title": "jobTitle"}
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"/accounts/saml/{provider.slug}/acs/" in page.content.decode()
    event = AuditEvent.objects.get(action="sso.provider_create")
    assert event.data["protocol"] == "saml" and event.data["metadata_changed"] is True

    # Metadata without a signing certificate is refused with a message.
    bad = idp.metadata_xml().split("<ns0:KeyDescriptor")[0]
    response = client.post(
        "/accounts/admin/sso/new-saml/",
        {
            "name": "Broken",
            "entity_id": IDP_ENTITY_ID,
            "metadata_file": SimpleUploadedFile("m.xml", bad.encode(), content_type="text/xml"),
            "domains": "contoso.example",
        },
    )
    assert response.status_code == 400
    assert not OidcProvider.objects.filter(name="Broken").exists()
