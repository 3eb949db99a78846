from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from hallway.accounts.models import User
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import CompanyFactory, UserFactory, host_company
from hallway.directory.actions import do_import_people, plan_import
from hallway.directory.models import ImportJob

pytestmark = pytest.mark.django_db

GOOD = """email,name,title,department,manager_email,location,kind,company
boss@northwind.example,Bea Boss,CEO,Leadership,,Berlin,,
dev@northwind.example,Dev One,Engineer,Platform,boss@northwind.example,Lisbon,,
guest@acme.example,Gus Guest,Buyer,,,,guest,Acme
"""
BAD = """email,name,title,department,manager_email
not-an-email,Someone,,,
ok@northwind.example,,,,
dup@northwind.example,Dup,,,
dup@northwind.example,Dup Again,,,
loop@northwind.example,Loop,,,ghost@northwind.example
g@acme.example,G,,,
"""


@pytest.fixture(autouse=True)
def companies(db):
    host_company()
    CompanyFactory(name="Acme", slug="acme")


def test_import_creates_links_and_is_idempotent() -> None:
    report = do_import_people(actor=None, text=GOOD)
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    dev = User.objects.get(email="dev@northwind.example")
    assert dev.profile.manager.email == "boss@northwind.example"
    assert (dev.profile.title, dev.profile.team.name, dev.profile.location.name) == (
        "Engineer", "Platform", "Lisbon",
    )  # fmt: skip
    assert User.objects.get(email="guest@acme.example").kind == "guest"
    again = do_import_people(actor=None, text=GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = GOOD.replace("Engineer,Platform", "Lead,Platform")
    assert plan_import(changed).updated == 1
    assert do_import_people(actor=None, text=changed).updated == 1
    assert AuditEvent.objects.filter(action="directory.import").count() == 3


def test_dry_run_lists_every_error_by_line_and_writes_nothing() -> None:
    report = plan_import(BAD)
    lines = [line for line, _ in report.errors]
    assert lines == [2, 3, 5, 6]
    assert "already on line 4" in dict(report.errors)[5]
    assert User.objects.count() == 0
    assert report.created == 2  # dup (first) and g@acme (a member without a company)


def test_missing_columns() -> None:
    assert plan_import("mail,full name\nx,y\n").errors == [(1, "Missing columns: email, name")]


def test_command_prints_report(tmp_path, capsys) -> None:
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    call_command("import-people", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "created: 3" in out and User.objects.count() == 0
    call_command("import-people", str(path))
    assert "created: 3" in capsys.readouterr().out
    assert User.objects.count() == 3


def test_page_dry_run_then_background_run_with_progress(django_capture_on_commit_callbacks) -> None:
    admin = UserFactory(is_network_admin=True)
    browser = Client()
    browser.force_login(UserFactory())
    assert browser.get("/accounts/admin/import/").status_code == 403
    browser.force_login(admin)
    dry = browser.post(
        "/accounts/admin/import/", {"file": SimpleUploadedFile("p.csv", BAD.encode())}
    )
    assert dry.status_code == 200
    assert b"<td>6</td>" in dry.content
    with django_capture_on_commit_callbacks(execute=True):
        run = browser.post(
            "/accounts/admin/import/",
            {"file": SimpleUploadedFile("p.csv", GOOD.encode()), "run": "1"},
        )
    assert run.status_code == 302
    job = ImportJob.objects.get()
    page = browser.get(run["Location"])
    assert page.status_code == 200
    job.refresh_from_db()
    assert job.status == "done" and job.report["created"] == 3  # eager tasks in tests
    partial = browser.get(run["Location"], HTTP_HX_REQUEST="true")
    assert b"Created 3" in partial.content and b"hx-trigger" not in partial.content
    assert User.objects.filter(email="dev@northwind.example").exists()
