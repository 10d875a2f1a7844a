"""Settings of the test suite: the site's settings, with what only tests may change.

pytest loads this module (``DJANGO_SETTINGS_MODULE`` in pyproject.toml); servers and workers that
tests start in subprocesses use ``conference.settings`` itself (tests/integration/servers.py).
"""

from conference.settings import *  # noqa: F403

# PBKDF2's many rounds are the point in production and most of a user's creation time in tests;
# the hash is stored with its algorithm, so tests that log in still check a real password.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Public pages are cached between requests in production; most tests change data inside a
# transaction that never commits (so the cache would not hear of it): off, except in the tests
# of the cache itself (tests/conference/test_public_cache.py).
PUBLIC_CACHE_SECONDS = 0

# The seat counts are cached in the tests as in production (their version also moves at once,
# not only on commit, so a test's uncommitted changes are seen): every test that reads seats
# checks the invalidation too.
SEAT_COUNTS_CACHE_SECONDS = 600
