"""Settings from the environment: the embedded default, production, and gunicorn serving the site.

Each test loads the settings in a subprocess with an environment of its own (the test process has
pytest's settings already loaded), in a temporary data folder.
"""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.slow

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Everything the settings read, and what makes them think they run under pytest.
SETTINGS_VARIABLES = {
    "ALLOWED_HOSTS",
    "AXES_ENABLED",
    "AXES_FAILURE_LIMIT",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CONN_MAX_AGE",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DATA_DIR",
    "DEBUG",
    "DEFAULT_FROM_EMAIL",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_TIMEOUT",
    "EMAIL_URL",
    "LOG_LEVEL",
    "PYTEST_CURRENT_TEST",
    "PYTEST_VERSION",
    "RATELIMIT_PERIOD",
    "RATELIMIT_POSTS",
    "RATELIMIT_TRUSTED_PROXIES",
    "SECRET_KEY",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SITE_URL",
    "STATIC_ROOT",
    "TESTING",
}

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "hoinghi.congthuong.example.vn,127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": "https://hoinghi.congthuong.example.vn",
    "SITE_URL": "https://hoinghi.congthuong.example.vn/",
    "DATABASE_URL": "postgres://hoinghi:mat-khau@db.example.vn:5432/hoinghi",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://hoinghi:mat-khau@smtp.example.vn:587",
    "DEFAULT_FROM_EMAIL": "Hội nghị Công Thương <hoinghi@congthuong.example.vn>",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "RATELIMIT_TRUSTED_PROXIES": "1",
}

SHOW_SETTINGS = """
import json
import django
from django.conf import settings as s

django.setup()
database = s.DATABASES["default"]
print(json.dumps(default=lambda o: f"{type(o).__module__}.{type(o).__qualname__}", obj={
    "DEBUG": s.DEBUG,
    "DATABASE": {key: database.get(key) for key in ("ENGINE", "NAME", "HOST", "PORT", "USER")},
    "CONN_MAX_AGE": database["CONN_MAX_AGE"],
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_FILE_PATH": s.EMAIL_FILE_PATH,
    "EMAIL_HOST": s.EMAIL_HOST,
    "EMAIL_PORT": s.EMAIL_PORT,
    "EMAIL_USE_TLS": s.EMAIL_USE_TLS,
    "DEFAULT_FROM_EMAIL": s.DEFAULT_FROM_EMAIL,
    "CELERY_BROKER_URL": s.CELERY_BROKER_URL,
    "CELERY_TASK_ALWAYS_EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "SITE_URL": s.SITE_URL,
    "STATICFILES_STORAGE": s.STORAGES["staticfiles"]["BACKEND"],
    "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
    "CACHE": s.CACHES["default"],
    "RATELIMIT": [s.RATELIMIT_POSTS, s.RATELIMIT_PERIOD, s.RATELIMIT_TRUSTED_PROXIES],
    "AXES_CLIENT_IP_CALLABLE": s.AXES_CLIENT_IP_CALLABLE,
}))
"""


def _environment(**variables):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(variables)
    return env


def _run(*args, **variables):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=_environment(**variables),
        capture_output=True,
        text=True,
        # collectstatic compresses every static file (brotli: about 70 s of CPU); a loaded
        # machine needs far longer than that in wall-clock time
        timeout=900,
        check=False,
    )


def _settings(**variables):
    result = _run("-c", SHOW_SETTINGS, DJANGO_SETTINGS_MODULE="conference.settings", **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_embedded_default_uses_sqlite_files_and_eager_tasks():
    data = BASE_DIR / "data"

    assert _settings(DEBUG="1") == {
        "DEBUG": True,
        "DATABASE": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data / "db.sqlite3"),
            "HOST": "",
            "PORT": "",
            "USER": "",
        },
        "CONN_MAX_AGE": 0,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(data / "emails"),
        "EMAIL_HOST": None,
        "EMAIL_PORT": None,
        "EMAIL_USE_TLS": False,
        "DEFAULT_FROM_EMAIL": "Hội nghị Công Thương phía Bắc <hoinghi@localhost>",
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": True,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"],
        "CSRF_TRUSTED_ORIGINS": [],
        "SITE_URL": "http://127.0.0.1:8000",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "SECURE_SSL_REDIRECT": False,
        "CACHE": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": ""},
        "RATELIMIT": [30, 600, 0],
        "AXES_CLIENT_IP_CALLABLE": "conference.ratelimit.client_ip",
    }


def test_settings_data_dir_moves_the_database_and_the_emails(tmp_path):
    settings = _settings(DEBUG="1", DATA_DIR=str(tmp_path))

    assert (settings["DATABASE"]["NAME"], settings["EMAIL_FILE_PATH"]) == (
        str(tmp_path / "db.sqlite3"),
        str(tmp_path / "emails"),
    )


def test_settings_production_read_the_environment(tmp_path):
    assert _settings(DATA_DIR=str(tmp_path), **PRODUCTION) == {
        "DEBUG": False,
        "DATABASE": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "hoinghi",
            "HOST": "db.example.vn",
            "PORT": 5432,
            "USER": "hoinghi",
        },
        "CONN_MAX_AGE": 60,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "emails"),
        "EMAIL_HOST": "smtp.example.vn",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Hội nghị Công Thương <hoinghi@congthuong.example.vn>",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CELERY_TASK_ALWAYS_EAGER": False,
        "ALLOWED_HOSTS": ["hoinghi.congthuong.example.vn", "127.0.0.1"],
        "CSRF_TRUSTED_ORIGINS": ["https://hoinghi.congthuong.example.vn"],
        "SITE_URL": "https://hoinghi.congthuong.example.vn",
        "STATICFILES_STORAGE": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "SECURE_SSL_REDIRECT": True,
        "CACHE": {
            "BACKEND": "conference.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            # A cache that does not answer at once is treated as down (rate limits fail open).
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "retry": "redis.retry.Retry",
            },
        },
        "RATELIMIT": [30, 600, 1],
        "AXES_CLIENT_IP_CALLABLE": "conference.ratelimit.client_ip",
    }


def test_settings_rate_limits_read_the_environment(tmp_path):
    settings = _settings(
        DEBUG="1",
        DATA_DIR=str(tmp_path),
        RATELIMIT_POSTS="30",
        RATELIMIT_PERIOD="300",
        RATELIMIT_TRUSTED_PROXIES="2",
    )

    assert settings["RATELIMIT"] == [30, 300, 2]


def test_settings_refuse_a_negative_number_of_proxies(tmp_path):
    result = _run(
        "manage.py", "check", DEBUG="1", DATA_DIR=str(tmp_path), RATELIMIT_TRUSTED_PROXIES="-1"
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: RATELIMIT_POSTS and RATELIMIT_PERIOD must "
        "be at least 1, RATELIMIT_TRUSTED_PROXIES at least 0."
    )


def test_check_deploy_with_production_settings_reports_nothing(tmp_path):
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DATA_DIR=str(tmp_path),
        **PRODUCTION,
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_check_deploy_with_a_per_process_cache_recommends_a_shared_one(tmp_path):
    production = {key: value for key, value in PRODUCTION.items() if key != "CACHE_URL"}
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        DATA_DIR=str(tmp_path),
        **production,
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "",
        "System check identified some issues:\n\n"
        "WARNINGS:\n"
        "?: (conference.W001) The default cache (LocMemCache) is not shared between server "
        "processes: each one counts the rate limits of the public forms on its own.\n"
        "\tHINT: In production set CACHE_URL to a shared cache, e.g. "
        "CACHE_URL=redis://127.0.0.1:6379/1 (the Redis of the Celery broker, another database "
        "number).\n\n"
        "System check identified 1 issue (0 silenced).\n",
    )


@pytest.mark.parametrize("debug", [None, "0", "off"])
def test_settings_without_secret_key_refuse_to_load_when_debug_is_off(tmp_path, debug):
    variables = {"DATA_DIR": str(tmp_path)} | ({"DEBUG": debug} if debug is not None else {})
    result = _run("manage.py", "check", **variables)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off "
        "(for the embedded default run `make run`, which sets DEBUG=1)."
    )


# --- gunicorn serves the site with production settings and collected static files ---------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn on a free loopback port, production settings, SQLite in a temporary folder."""
    folder = tmp_path_factory.mktemp("production")
    # No DATABASE_URL, broker nor EMAIL_URL: SQLite, in-process tasks and emails as files.
    variables = {
        key: value
        for key, value in PRODUCTION.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "CACHE_URL"}
    } | {"DATA_DIR": str(folder / "data"), "STATIC_ROOT": str(folder / "static")}
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        result = _run("manage.py", *command, **variables)
        assert result.returncode == 0, result.stderr

    port = _free_port()
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [BIN / "gunicorn", "conference.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE_DIR,
        env=_environment(**variables),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{(folder / 'gunicorn.log').read_text()}")
                time.sleep(0.2)
        yield {"port": port, "static_root": folder / "static", "variables": variables}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_gunicorn_serves_the_admin_login_in_vietnamese(gunicorn):
    status, headers, body = _get(gunicorn["port"], "/admin/login/")

    assert status == 200
    page = body.decode()
    assert '<html lang="vi"' in page
    manifest = json.loads((gunicorn["static_root"] / "staticfiles.json").read_text())["paths"]
    assert f'href="/static/{manifest["admin/css/base.css"]}"' in page
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_gunicorn_serves_the_home_page(gunicorn):
    try:
        reverse("conference:home")
        expected = 200
    except NoReverseMatch:  # the public pages are not there yet: Django's own 404, no error
        expected = 404

    status, _, _ = _get(gunicorn["port"], "/")

    assert status == expected


def test_gunicorn_does_not_name_the_server_software(gunicorn):
    """gunicorn.conf.py leaves out gunicorn's ``Server: gunicorn`` on every kind of answer: a
    page, a redirect, a static file, a 404."""
    manifest = json.loads((gunicorn["static_root"] / "staticfiles.json").read_text())["paths"]
    answers = {
        path: _get(gunicorn["port"], path)
        for path in (
            "/en/",
            "/vi/",
            f"/static/{manifest['admin/css/base.css']}",
            "/no-such-page/",
        )
    }

    assert {
        path: (status, headers.get("Server")) for path, (status, headers, _) in answers.items()
    } == {
        "/en/": (200, None),
        "/vi/": (301, None),
        f"/static/{manifest['admin/css/base.css']}": (200, None),
        "/no-such-page/": (404, None),
    }


def test_gunicorn_redirects_plain_http_to_https(gunicorn):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn["port"], timeout=10)
    connection.request("GET", "/admin/login/")
    response = connection.getresponse()
    connection.close()

    assert (response.status, response.getheader("Location")) == (
        301,
        f"https://127.0.0.1:{gunicorn['port']}/admin/login/",
    )


def test_gunicorn_serves_compressed_static_files_for_ever(gunicorn):
    manifest = json.loads((gunicorn["static_root"] / "staticfiles.json").read_text())["paths"]
    hashed = manifest["bootstrap/css/bootstrap.min.css"]

    status, headers, body = _get(
        gunicorn["port"], f"/static/{hashed}", **{"Accept-Encoding": "gzip"}
    )

    assert (status, headers["Content-Type"], headers["Content-Encoding"]) == (
        200,
        'text/css; charset="utf-8"',
        "gzip",
    )
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert body == (gunicorn["static_root"] / f"{hashed}.gz").read_bytes()


def _login(port, username, password, forwarded):
    """The login form as a browser behind the proxy posts it: CSRF cookie and token first."""
    _status, headers, body = _get(port, "/en/accounts/login/", **{"X-Forwarded-For": forwarded})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST",
            "/en/accounts/login/",
            body=urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "username": username, "password": password}
            ),
            headers={
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": forwarded,
                "Origin": f"https://127.0.0.1:{port}",
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_gunicorn_behind_one_proxy_locks_the_attacker_not_the_account_owner(gunicorn):
    """RATELIMIT_TRUSTED_PROXIES=1 (as PRODUCTION sets): gunicorn sees every request from
    127.0.0.1, the lock falls on the address in X-Forwarded-For."""
    result = _run(
        "manage.py",
        "shell",
        "-c",
        "from conference.models import User; "
        "User.objects.create_user('chubai', password='mat-khau-an-toan-2024')",
        **gunicorn["variables"],
    )
    assert result.returncode == 0, result.stderr
    port = gunicorn["port"]

    attacker = [_login(port, "chubai", "sai", f"10.1.1.{n}, 203.0.113.5") for n in range(5)]
    owner = _login(port, "chubai", "mat-khau-an-toan-2024", "198.51.100.7")

    assert (attacker, owner) == ([200, 200, 200, 200, 429], 302)
