"""The client address behind reverse proxies, for the rate limits and the login lockout; the
rate limits when the cache is unavailable."""

import logging
import socket
import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from redis.backoff import NoBackoff
from redis.retry import Retry

from conference.ratelimit import client_ip, hit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def cache_down():
    """The default cache is a Redis server that is not running (a real refused connection)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "retry": Retry(NoBackoff(), 0)},
    }
    with override_settings(CACHES={"default": redis}):
        yield


def request_from(remote_addr="127.0.0.1", forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded", "expected"),
    [
        # no proxy: the connection's address; a header written by the client is ignored
        (0, "203.0.113.5", None, "203.0.113.5"),
        (0, "203.0.113.5", "198.51.100.7", "203.0.113.5"),
        # one proxy (nginx on the same machine): the address it appended, the right-most one
        (1, "127.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, "127.0.0.1", " 203.0.113.5 ", "203.0.113.5"),
        (1, "127.0.0.1", "2001:db8::5", "2001:db8::5"),
        # a forged left-most entry sent by the client changes nothing
        (1, "127.0.0.1", "198.51.100.7, 203.0.113.5", "203.0.113.5"),
        (1, "127.0.0.1", "1.1.1.1, 2.2.2.2,203.0.113.5", "203.0.113.5"),
        # two proxies (a load balancer, then nginx): second from the right
        (2, "127.0.0.1", "198.51.100.7, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        # not through the configured proxies (no header, too few entries, garbage): REMOTE_ADDR
        (1, "127.0.0.1", None, "127.0.0.1"),
        (1, "127.0.0.1", "", "127.0.0.1"),
        (2, "127.0.0.1", "203.0.113.5", "127.0.0.1"),
        (1, "127.0.0.1", "198.51.100.7, not-an-address", "127.0.0.1"),
    ],
)
def test_client_ip_through_trusted_proxies(settings, proxies, remote_addr, forwarded, expected):
    settings.RATELIMIT_TRUSTED_PROXIES = proxies

    assert client_ip(request_from(remote_addr, forwarded)) == expected


def test_client_ip_without_any_address_is_none(settings):
    settings.RATELIMIT_TRUSTED_PROXIES = 1

    assert (client_ip(request_from("", "")), client_ip(None)) == (None, None)


def test_hit_counts_each_key_within_the_window():
    results = [hit("scope:203.0.113.5", limit=2, period=600) for _ in range(3)]
    other = hit("scope:198.51.100.7", limit=2, period=600)

    assert (results, other) == ([True, True, False], True)


# --- the public forms behind one reverse proxy ---------------------------------------------------


def link_form(edition):
    with translation.override("en"):
        return reverse("conference:registration_link", args=[edition.number])


def test_ratelimit_behind_a_proxy_counts_each_visitor(client, open_edition, settings):
    """Every request reaches the site from the proxy on 127.0.0.1: each visitor has a count of
    their own, and a visitor cannot escape theirs by forging X-Forwarded-For."""
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    settings.RATELIMIT_POSTS = 2
    target = link_form(open_edition)

    def post(forwarded):
        return client.post(
            target,
            {"email": "khach@example.vn"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    first = [post("203.0.113.5") for _ in range(3)]
    forged = post("10.9.8.7, 203.0.113.5")
    other = post("198.51.100.7")

    assert (first, forged, other) == ([302, 302, 429], 429, 302)


def test_ratelimit_without_trusted_proxies_ignores_x_forwarded_for(client, open_edition, settings):
    settings.RATELIMIT_TRUSTED_PROXIES = 0
    settings.RATELIMIT_POSTS = 2
    target = link_form(open_edition)

    codes = [
        client.post(
            target,
            {"email": "khach@example.vn"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        ).status_code
        for n in range(3)
    ]

    assert codes == [302, 302, 429]


# --- the cache unavailable: fail open to a per-process count, logged once -----------------------


def test_hit_with_the_cache_down_counts_in_the_process_and_logs_once(cache_down, caplog):
    caplog.set_level(logging.WARNING, logger="conference.ratelimit")

    results = [hit("scope:203.0.113.5", limit=2, period=600) for _ in range(3)]
    other = hit("scope:198.51.100.7", limit=2, period=600)

    assert (results, other) == ([True, True, False], True)
    assert [(r.levelname, r.getMessage().split(" (")[0]) for r in caplog.records] == [
        ("ERROR", "Rate limits: the cache is unavailable")
    ]


def test_hit_after_the_cache_returns_counts_in_it_again_and_says_so(cache_down, caplog):
    caplog.set_level(logging.WARNING, logger="conference.ratelimit")
    hit("scope:203.0.113.5", limit=2, period=600)
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    with override_settings(CACHES=locmem, RATELIMIT_CACHE_RETRY=0):
        hit("scope:203.0.113.5", limit=2, period=600)
        window = int(time.time() // 600)
        counted = cache.get(f"ratelimit:scope:203.0.113.5:{window}")

    assert [r.levelname for r in caplog.records] == ["ERROR", "WARNING"]
    assert caplog.records[1].getMessage().startswith("Rate limits: the cache answers again after")
    assert counted == 1


def test_ratelimit_with_the_cache_down_the_form_still_answers(
    client, open_edition, cache_down, settings
):
    settings.RATELIMIT_POSTS = 2
    target = link_form(open_edition)

    codes = [
        client.post(target, {"email": "khach@example.vn"}, REMOTE_ADDR="203.0.113.5").status_code
        for _ in range(3)
    ]

    assert codes == [302, 302, 429]
