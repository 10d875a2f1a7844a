"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Put browser tests in this folder (the fixtures live here). A test that uses them is marked
`browser` automatically (tests/conftest.py): skipped without Chromium locally, an error in CI, and
left out of the PostgreSQL pass of `make test`.

    import pytest

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


    def test_home_shows_the_next_edition(page, live_server):
        EditionFactory(...)                       # the ORM works in the test as usual
        page.goto("/")                            # relative to live_server.url (base_url)
        assert page.locator("h1").inner_text() == "..."
        page.goto("/en/")                         # English
        page.get_by_role("link", name="...").click()

`page` is a fresh browser context per test (no cookies carried over), Vietnamese by default
(`Accept-Language: vi`); `page.goto` takes paths relative to the live server. Ask for
`browser_context` only to open a second page in the same context, or `browser` for another context
(`browser.new_context(base_url=live_server.url, locale="en-GB")`). Timeouts are 10 s.

How it works: Playwright's sync API runs an asyncio event loop in the test's thread, and Django then
refuses ORM calls from that thread (SynchronousOnlyOperation) and would open a second connection.
The Playwright instance lives for the browser tests of this package only; while it lives,
DJANGO_ALLOW_ASYNC_UNSAFE is set and the thread's database connections are reused, so the rest of
the suite keeps Django's check. The live server runs in its own thread; the test's data reaches
it because live_server uses a transactional database: rows are committed, and the tables are
emptied afterwards and the data migrations' rows restored (see tests/conftest.py).

Chromium is /usr/bin/chromium (apt-get install chromium) or CHROMIUM_PATH; never `playwright
install`. Without Chromium the tests are skipped locally and fail in CI (see tests/conftest.py).
Set BROWSER_SLOW_MO=250 and HEADED=1 (with a display) to watch a test.
"""

import os

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests of this package (launched on first use)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    database_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    try:
        # With an event loop running, Django keeps its connections in a context variable instead
        # of the thread: hand it the same connection objects, so the browser tests share the test
        # database connection (and its saved rows for serialized rollback) with the rest.
        for alias, connection in database_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
            headless=not os.environ.get("HEADED"),
            slow_mo=float(os.environ.get("BROWSER_SLOW_MO", "0")),
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context(browser, live_server):
    """A fresh context (cookies, storage) per test, Vietnamese, based at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """A Playwright page (sync API) on the live server; see the module docstring."""
    return browser_context.new_page()


@pytest.fixture
def browser_page(page):
    """Another name for `page`."""
    return page
