"""Operator commands: createadmin, token, invite, deactivate, reactivate."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from hallway.accounts.actions import user_for_api_token
from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import CompanyFactory, GuestFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "operator chose this passphrase"


def run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    call_command(*args, stdin=io.StringIO(stdin), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_plain(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_createadmin_on_an_empty_network_creates_the_host_company(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HALLWAY_COMPANY_NAME", "Globex Corporation")
    output = run(
        "createadmin",
        "--email",
        "Root@Globex.example",
        "--name",
        "Rita Root",
        "--password-stdin",
        stdin=GOOD_PASSWORD + "\nignored second line\n",
    )
    assert "Created network admin Rita Root" in output
    company = Company.objects.get(kind=Company.Kind.HOST)
    assert (company.name, company.slug) == ("Globex Corporation", "globex-corporation")
    admin = User.objects.get(email="root@globex.example")
    assert admin.is_network_admin
    assert admin.state == "active"
    assert admin.company == company
    assert admin.check_password(GOOD_PASSWORD)
    assert AuditEvent.objects.filter(action="user.create", target_id=str(admin.pk)).exists()


def test_createadmin_defaults_the_company_name(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("HALLWAY_COMPANY_NAME", raising=False)
    run(
        "createadmin",
        "--email",
        "a@x.example",
        "--name",
        "A",
        "--password-stdin",
        stdin=GOOD_PASSWORD,
    )
    assert Company.objects.get(kind=Company.Kind.HOST).slug == "hallway"


def test_createadmin_promotes_an_existing_member(host) -> None:  # type: ignore[no-untyped-def]
    member = UserFactory(email="max@northwind.example", name="Max Member")
    output = run(
        "createadmin", "--email", "MAX@northwind.example", "--password-stdin", stdin=GOOD_PASSWORD
    )
    assert "Promoted network admin Max Member" in output
    member.refresh_from_db()
    assert member.is_network_admin
    assert member.check_password(GOOD_PASSWORD)
    assert member.name == "Max Member"
    assert User.objects.count() == 1


def test_createadmin_activates_an_invited_member(host) -> None:  # type: ignore[no-untyped-def]
    from hallway.accounts.actions import do_invite_user

    invited, key = do_invite_user(actor=None, email="ivy@northwind.example", name="Ivy")
    run("createadmin", "--email", "ivy@northwind.example", "--password-stdin", stdin=GOOD_PASSWORD)
    invited.refresh_from_db()
    assert invited.state == "active"
    assert invited.is_network_admin
    from hallway.accounts.actions import find_invitation

    assert find_invitation(key) is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--email", "not-an-email", "--name", "X"], GOOD_PASSWORD, "valid email"),
        (["--email", "x@northwind.example", "--name", "X"], "\n", "empty"),
        (["--email", "x@northwind.example", "--name", "X"], "", "empty"),
        (["--email", "x@northwind.example", "--name", "X"], "short\n", "too short"),
        (["--email", "x@northwind.example", "--name", "X"], "12345678901234\n", "numeric"),
        (["--email", "x@northwind.example", "--name", "  "], GOOD_PASSWORD, "name"),
        (["--email", "gus@acme.example", "--name", "Gus"], GOOD_PASSWORD, "guest"),
    ],
)
def test_createadmin_bad_input_writes_nothing(args: list[str], stdin: str, message: str) -> None:
    GuestFactory(email="gus@acme.example")
    users, companies, events = (
        User.objects.count(),
        Company.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(CommandError, match=message):
        run("createadmin", *args, "--password-stdin", stdin=stdin)
    assert User.objects.count() == users
    assert Company.objects.count() == companies
    assert AuditEvent.objects.count() == events
    assert not User.objects.get(email="gus@acme.example").is_network_admin


def test_createadmin_without_a_password_source_fails_without_a_tty(host) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="password-stdin"):
        run("createadmin", "--email", "x@northwind.example", "--name", "X", "--no-input")
    assert not User.objects.filter(email="x@northwind.example").exists()


def test_token_prints_a_working_token_on_the_last_line(host) -> None:  # type: ignore[no-untyped-def]
    member = UserFactory(email="max@northwind.example")
    output = run_plain("token", "max@northwind.example", "--name", "ci")
    last_line = output.rstrip("\n").splitlines()[-1]
    assert output.endswith(last_line + "\n")
    assert user_for_api_token(last_line) == member
    assert member.api_tokens.get().name == "ci"


@pytest.mark.parametrize("state", ["unknown", "invited", "deactivated"])
def test_token_refuses_unknown_and_inactive_people(host, state: str) -> None:  # type: ignore[no-untyped-def]
    from hallway.accounts.actions import do_deactivate_user, do_invite_user

    if state == "invited":
        do_invite_user(actor=None, email="p@northwind.example", name="P")
    elif state == "deactivated":
        do_deactivate_user(actor=None, user=UserFactory(email="p@northwind.example"))
    with pytest.raises(CommandError):
        run_plain("token", "p@northwind.example")
    assert not User.objects.filter(api_tokens__isnull=False).exists()


def test_invite_member_and_guest(host, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    CompanyFactory(name="Acme Logistics", slug="acme")
    with django_capture_on_commit_callbacks(execute=True):
        output = run_plain("invite", "--email", "nina@northwind.example", "--name", "Nina")
        run_plain(
            "invite", "--email", "g@acme.example", "--name", "G", "--guest", "--company", "acme"
        )
    assert output.rstrip().splitlines()[-1].startswith("http://127.0.0.1:8000/accounts/invitation/")
    assert User.objects.get(email="nina@northwind.example").state == "invited"
    assert User.objects.get(email="g@acme.example").company.slug == "acme"
    assert [m.subject for m in mail.outbox] == ["You are invited to Hallway"] * 2
    assert "You are invited to join Hallway." in mail.outbox[0].body
    assert "as a guest from Acme Logistics" in mail.outbox[1].body


@pytest.mark.parametrize(
    "args",
    [
        ["--email", "g@acme.example", "--name", "G", "--guest"],
        ["--email", "g@acme.example", "--name", "G", "--guest", "--company", "nope"],
        ["--email", "g@acme.example", "--name", "G", "--guest", "--company", "northwind"],
        ["--email", "g@acme.example", "--name", "G", "--company", "acme"],
        ["--email", "bad", "--name", "G"],
    ],
)
def test_invite_bad_input(host, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    CompanyFactory(name="Acme Logistics", slug="acme")
    with pytest.raises(CommandError):
        run_plain("invite", *args)
    assert not User.objects.filter(email__in=["g@acme.example", "bad"]).exists()


def test_deactivate_and_reactivate(host) -> None:  # type: ignore[no-untyped-def]
    member = UserFactory(email="max@northwind.example")
    assert "Deactivated" in run_plain("deactivate", "max@northwind.example", "--reason", "left")
    member.refresh_from_db()
    assert member.state == "deactivated"
    assert AuditEvent.objects.get(action="user.deactivate").data == {"reason": "left"}
    with pytest.raises(CommandError, match="already deactivated"):
        run_plain("deactivate", "max@northwind.example")
    assert "Reactivated" in run_plain("reactivate", "max@northwind.example")
    member.refresh_from_db()
    assert member.state == "active"
    with pytest.raises(CommandError, match="not deactivated"):
        run_plain("reactivate", "max@northwind.example")
    with pytest.raises(CommandError, match="Nobody"):
        run_plain("deactivate", "ghost@northwind.example")


def test_hallway_console_command_reads_the_password_from_a_pipe(tmp_path: Path) -> None:
    """The real console entry point, as an acceptance script would call it (own SQLite file)."""
    hallway = Path(sys.executable).with_name("hallway")
    env = {
        "PATH": "/usr/bin:/bin",
        "HALLWAY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HALLWAY_COMPANY_NAME": "Pipe Works",
        "EMAIL_URL": "memory://",
    }
    subprocess.run([str(hallway), "migrate", "-v0"], env=env, check=True, timeout=180)
    created = subprocess.run(
        [
            str(hallway),
            "createadmin",
            "--email",
            "op@pipe.example",
            "--name",
            "Op",
            "--password-stdin",
        ],
        env=env,
        input=GOOD_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    token = subprocess.run(
        [str(hallway), "token", "op@pipe.example"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert token.stdout.splitlines()[-1].startswith("hw_")
    bad = subprocess.run(
        [
            str(hallway),
            "createadmin",
            "--email",
            "x@pipe.example",
            "--name",
            "X",
            "--password-stdin",
        ],
        env=env,
        input="weak\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "too short" in bad.stderr
