"""Browser tests: Playwright for Python driving the system Chromium against ``live_server``.

``browser_page`` is a page of a fresh headless Chromium (a new profile each time)
with the session of ``browser_user`` already in its cookies, so a test starts
signed in without depending on the login page. Without ``/usr/bin/chromium``
(``scripts/install-browser.sh`` installs it) the tests are skipped, unless
``REQUIRE_SERVICES=1`` (as ``.ci/run`` sets), where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def require_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"Chromium is not installed at {CHROMIUM} (scripts/install-browser.sh installs it)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}, and REQUIRE_SERVICES=1 requires it.")
    pytest.skip(f"{message}; set REQUIRE_SERVICES=1 to make this a failure.")


@pytest.fixture
def browser_user(transactional_db):
    """Whom ``browser_page`` is signed in as; a test overrides it (a coordinator, say)."""
    from tests.factories import UserFactory

    return UserFactory(username="browser")


@pytest.fixture
def browser_page(live_server, browser_user, client, monkeypatch):
    """A page of a fresh headless Chromium, signed in as ``browser_user`` through its cookie.

    ``client.force_login`` makes the session; its cookie goes into the browser,
    so the login page (and its throttling) is not part of every browser test.
    The browser starts after the test database exists and stops before it goes:
    while it runs, Playwright's sync API keeps an event loop in this thread, and
    Django would refuse the ORM calls the test makes between browser steps (plain
    synchronous code all the same) without ``DJANGO_ALLOW_ASYNC_UNSAFE``.
    """
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    client.force_login(browser_user)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield _signed_in_page(browser, live_server.url, client)
        finally:
            browser.close()


def _signed_in_page(browser, url: str, client):
    context = browser.new_context(
        base_url=url, locale="en-US", viewport={"width": 1000, "height": 720}
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": url,
            }
        ]
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()
