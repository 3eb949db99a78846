"""Browser tests: Playwright driving Debian's Chromium against a live test server.

No browser is downloaded: ``executable_path`` is Debian's ``chromium``. When it is missing the
tests skip, and in CI a skip is a failure (see the root conftest).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# Screenshots for humans (gitignored); the tests never compare them.
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
DEFAULT_TIMEOUT_MS = 10_000
# "Password *" (the asterisk is aria-hidden); not "Forgot your password?" or "Remember Me".
PASSWORD_LABEL = re.compile(r"^\s*Password\b")


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """Open a page in a fresh browser context (its own cookies), e.g. a second person or no JS.

    Keyword arguments go to ``browser.new_context`` (``java_script_enabled=False``…).
    """
    contexts = []

    def open_page(**context_options: object) -> object:
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> object:  # type: ignore[no-untyped-def]
    return new_page()


def sign_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real sign-in page and wait until it has let us in."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot to ``test-results/<name>.png`` for people to look at."""
    RESULTS_DIR.mkdir(exist_ok=True)
    safe_name = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
    page.screenshot(path=str(RESULTS_DIR / f"{safe_name}.png"), full_page=True)
