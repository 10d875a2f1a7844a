import functools
import importlib.util
import os
import shutil
import warnings

import pytest


@pytest.fixture(autouse=True)
def _vietnamese_default(settings):
    """Every test starts in the default language, whatever an earlier test activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    """Prepared files (FILE_JOBS_DIR) go to a folder of the test's own, never to data/."""
    settings.FILE_JOBS_DIR = tmp_path_factory.mktemp("prepared")


# --- Tests that need a service -------------------------------------------------------------------
# A test marked `postgres`, `redis`, `browser` or `pdf` is skipped, with the reason (the Debian
# package to install), when its service is missing on a developer's machine. In CI (CI=true) a
# missing service is an error instead: CI must never pass by skipping what it was meant to test.
# A `postgres` test on the SQLite pass of `make test` is skipped when TEST_POSTGRES_URL is set,
# since the PostgreSQL pass runs it.


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing_postgres() -> str | None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.postgresql":
        return None
    return f"needs PostgreSQL: DATABASE_URL points at {engine.rsplit('.', 1)[-1]}"


def _missing_redis() -> str | None:
    binary = os.environ.get("REDIS_SERVER", "redis-server")
    if shutil.which(binary):
        return None
    return f"needs Redis: no {binary!r} program on PATH (apt-get install redis-server)"


def _missing_browser() -> str | None:
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if importlib.util.find_spec("playwright") is None:
        return "needs Playwright for Python (make install)"
    if not os.access(chromium, os.X_OK):
        return f"needs Chromium at {chromium} (apt-get install chromium, or set CHROMIUM_PATH)"
    return None


@functools.cache
def _missing_pdf() -> str | None:
    # WeasyPrint raises OSError without Pango, and warns (an error under filterwarnings = error)
    # without HarfBuzz's font subsetter. Checked once, by importing it as the badge code does.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import weasyprint  # noqa: F401
        except OSError:
            return (
                "needs Pango for WeasyPrint: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                "libharfbuzz-subset0 fonts-dejavu-core"
            )
    if any("HarfBuzz-Subset" in str(warning.message) for warning in caught):
        return "needs HarfBuzz's subsetter for WeasyPrint: apt-get install libharfbuzz-subset0"
    return None


_SERVICES = {
    "postgres": _missing_postgres,
    "redis": _missing_redis,
    "browser": _missing_browser,
    "pdf": _missing_pdf,
}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for marker, missing in _SERVICES.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing()
        if reason is None:
            continue
        if marker == "postgres" and os.environ.get("TEST_POSTGRES_URL"):
            pytest.skip(f"{reason}; runs in the PostgreSQL pass of `make test`")
        if _in_ci():
            pytest.fail(f"CI=true but this test {reason}", pytrace=False)
        pytest.skip(reason)


# --- Collection: browser tests are marked; transactional tests keep the data migrations' rows -----
# A transactional test (live_server, transactional_db, django_db(transaction=True)) empties every
# table when it ends, which would take away the provinces, editions and role groups that the data
# migrations load for every other test. Such tests therefore get serialized_rollback: the rows are
# restored before each of them, whatever the order the tests run in.

_DJANGO_DB_PARAMETERS = ("transaction", "reset_sequences", "databases", "serialized_rollback")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        # A test that uses the browser fixtures is a browser test, marked or not.
        fixtures = set(getattr(item, "fixturenames", ()))
        if "browser" in fixtures and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)

        marker = item.get_closest_marker("django_db")
        kwargs = dict(zip(_DJANGO_DB_PARAMETERS, marker.args, strict=False)) if marker else {}
        kwargs.update(marker.kwargs if marker else {})
        transactional = kwargs.get("transaction") or fixtures & {"transactional_db", "live_server"}
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


# Hypothesis (tests/conference/test_public_forms_properties.py): a moderate number of examples per
# form in `make test`; `HYPOTHESIS_PROFILE=thorough` for thousands (README, "Tests"). No deadline:
# a request on a loaded machine may take a second. No example database: nothing written into the
# project folder.
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("default", max_examples=50, deadline=None, database=None)
hypothesis_settings.register_profile("thorough", max_examples=2000, deadline=None, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
