"""What every benchmark of the site needs to serve it and talk to it (not collected by pytest):
the database, the environment of a production-like gunicorn, the server itself, and a client
that behaves as a browser behind the HTTPS proxy."""

from __future__ import annotations

import http.client
import math
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from tests.integration.servers import Browser, free_port, stop_group

ROOT = Path(__file__).resolve().parents[2]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def create_database(url: str, *, recreate: bool) -> None:
    """Create the PostgreSQL database named in ``url`` (dropped first when ``recreate``)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def site_environment(
    folder: Path, *, settings: str, urls: str, database_url: str, **extra: str
) -> dict[str, str]:
    """The environment of the served site, also made this process's own (so that the seeding
    and the in-process query counts use the same settings and secret key): production settings
    with DEBUG off and a random SECRET_KEY, plus the benchmark's ``settings`` and ``urls``
    modules (``bench_settings``/``bench_urls``, written to ``folder``, never part of the site).
    ``extra`` adds or overrides variables (e.g. ``CELERY_BROKER_URL``, ``CACHE_URL``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench_settings.py").write_text(settings)
    (folder / "bench_urls.py").write_text(urls)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "CELERY_", "TESTING", "CACHE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DATA_DIR": str(folder / "data"),
            "STATIC_ROOT": str(folder / "static"),
            "CELERY_BROKER_URL": "memory://",
            "LOG_LEVEL": "ERROR",
            "AXES_ENABLED": "0",
            **extra,
        }
    )
    os.environ.clear()
    os.environ.update(env)
    sys.path[:0] = [str(folder), str(ROOT)]
    return env


class Server:
    """gunicorn serving the site (``workers`` sync workers) on a free loopback port, in its own
    process group; its output goes to ``log``. Stop it with :meth:`stop` (or use ``with``)."""

    def __init__(self, env: dict, workers: int, log: Path):
        self.port = free_port()
        self.log = log
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "conference.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(workers),
                    "--timeout",
                    "600",
                    "--backlog",
                    "2048",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start in time")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            stop_group(self.process, timeout=30)


class Client(Browser):
    """The integration tests' :class:`Browser` (cookies, CSRF token, headers of a browser behind
    the HTTPS proxy; redirects not followed) on one keep-alive connection, timed.
    ``server_ms``: the last response's ``Server-Timing`` duration, when the site sent one."""

    def __init__(self, port: int, session: str | None = None):
        super().__init__(port, language="vi")
        if session:
            self.cookies["sessionid"] = session
        self.server_ms = math.nan
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(self, method: str, path: str, body: dict | None = None, *, first_byte=False):
        """``(status, location, content, wall ms)``; with ``first_byte``,
        ``(status, content, wall ms, ms to the first byte)``."""
        headers, data = self.prepare(method, path, body)
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            first = response.read(1)
            first_at = time.perf_counter()
            content = first + response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            raise
        wall = (time.perf_counter() - started) * 1000
        self.remember(response, content)
        timing = re.search(r"dur=([\d.]+)", response.getheader("Server-Timing", ""))
        self.server_ms = float(timing.group(1)) if timing else math.nan
        if first_byte:
            return response.status, content, wall, (first_at - started) * 1000
        return response.status, response.getheader("Location", ""), content, wall
