"""Real servers on loopback for the outbox's integration tests and benchmark: an SMTP server
(aiosmtpd) that records what it accepts, a Redis server (the ``redis-server`` binary), Celery
worker processes running this project's code, and the site itself under gunicorn with the
production settings (with a small HTTP client that behaves as a browser behind the proxy)."""

from __future__ import annotations

import asyncio
import contextlib
import email
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout: float, interval: float = 0.05, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(message or "condition not met in time")


def stop_group(process: subprocess.Popen, *, timeout: float) -> None:
    """Stop a process started in a session of its own, children included: SIGTERM to its whole
    group, then SIGKILL if it has not exited after ``timeout`` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# --- SMTP ---------------------------------------------------------------------------------------


class RecordingHandler:
    """Accepts mail and records it. ``replies`` maps a recipient substring to an RCPT reply (e.g.
    ``"550 5.1.1 No such user"``); ``hold`` seconds are spent before answering DATA — if the client
    disappears meanwhile, the message is not recorded (aiosmtpd cancels the handler)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[email.message.Message] = []
        self.replies: dict[str, str] = {}
        self.hold = 0.0
        self.holding = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for marker, reply in self.replies.items():
            if marker in address:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold:
            self.holding.set()
            await asyncio.sleep(self.hold)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def notification_ids(self) -> list[int]:
        with self.lock:
            return sorted(int(m["X-Notification-ID"]) for m in self.messages)


class SMTPServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SMTPServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- Redis --------------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(
            [
                os.environ.get("REDIS_SERVER", "redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for(self.ping, timeout=10, message="redis-server did not start")
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def kill(self) -> None:
        """SIGKILL: Redis vanishes at once, with everything it held (no persistence)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


# --- Celery workers -----------------------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


class _CeleryProcess:
    """A ``celery -A conference …`` process in its own process group, with its log in a file."""

    name = "celery"  # the log file's prefix
    ready_text = ""  # what the log says once the process is ready
    what = ""  # the process, in the error messages

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / f"{self.name}-{uuid.uuid4().hex[:8]}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, *, timeout: float = 60):
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 (closed below; the child keeps its copy)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "conference", *self.command()],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for(
            lambda: self.ready_text in self.log() or self.process.poll() is not None,
            timeout=timeout,
            message=f"{self.what} did not start",
        )
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.what} exited:\n{self.log()}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, timeout=20)
            self.process = None


class CeleryWorker(_CeleryProcess):
    """``celery -A conference worker`` (prefork), with beat inside it when ``beat``."""

    name, ready_text, what = "worker", " ready.", "the Celery worker"

    def __init__(
        self, workdir: Path, env: dict[str, str], *, beat: bool = False, concurrency: int = 1
    ) -> None:
        super().__init__(workdir, env)
        self.beat = beat
        self.concurrency = concurrency

    def command(self) -> list[str]:
        command = [
            "worker",
            "--pool=prefork",
            f"--concurrency={self.concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"outbox-{uuid.uuid4().hex[:8]}@%h",
        ]
        if self.beat:
            command += ["--beat", "--schedule", str(self.workdir / "celerybeat-schedule")]
        return command

    def children(self) -> list[int]:
        """The pool's child processes (the ones that run tasks)."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL the whole worker: main process, pool children and beat, no clean-up."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None


class CeleryBeat(_CeleryProcess):
    """``celery -A conference beat``: the periodic jobs, as its own process (as in production)."""

    name, ready_text, what = "beat", "beat: Starting", "Celery beat"

    def command(self) -> list[str]:
        return ["beat", "--loglevel=INFO", "--schedule", str(self.workdir / "celerybeat-schedule")]


def worker_env(*, database_url: str, broker_url: str, email_url: str, data_dir: Path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "CELERY_", "OUTBOX_", "EMAIL_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "conference.settings",
            "TESTING": "1",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": email_url,
            "EMAIL_TIMEOUT": "10",
            "DATA_DIR": str(data_dir),
            "LOG_LEVEL": "INFO",
            "AXES_ENABLED": "0",
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


# --- The site: gunicorn with the production settings ---------------------------------------------


def production_env(
    *,
    database_url: str,
    broker_url: str,
    cache_url: str,
    email_url: str,
    data_dir: Path,
    static_root: Path,
    **extra,
) -> dict[str, str]:
    """The README's production environment (DEBUG off, a secret key, Redis as broker and cache,
    SMTP), without anything that makes the settings think they run under pytest."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "CELERY_", "OUTBOX_", "EMAIL_", "TESTING"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "conference.settings",
            "DEBUG": "0",
            "SECRET_KEY": "integration-" + uuid.uuid4().hex * 2,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CACHE_URL": cache_url,
            "EMAIL_URL": email_url,
            "DATA_DIR": str(data_dir),
            "STATIC_ROOT": str(static_root),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update({key: str(value) for key, value in extra.items()})
    return {key: value for key, value in env.items() if value != ""}


class Gunicorn:
    """``gunicorn conference.wsgi`` on a free loopback port, in its own process group."""

    def __init__(self, workdir: Path, env: dict[str, str], *, workers: int = 2) -> None:
        self.workdir = workdir
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "gunicorn.log"

    def start(self, *, timeout: float = 60) -> Gunicorn:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 (closed below; the child keeps its copy)
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "conference.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

        def up() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_for(up, timeout=timeout, interval=0.2, message="gunicorn did not start")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, timeout=30)
            self.process = None


class Browser:
    """A visitor behind the HTTPS reverse proxy: one cookie jar, CSRF token from the pages,
    ``X-Forwarded-Proto: https``; redirects are not followed (their status is the answer)."""

    CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, port: int, *, language: str = "vi") -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.language = language
        self.cookies: dict[str, str] = {}
        self.token = ""

    def prepare(self, method: str, path: str, body: dict | None) -> tuple[dict, bytes | None]:
        """The headers and the encoded body of a request, as the browser behind the proxy
        sends them (cookies; a POST carries the last CSRF token seen, Origin and Referer)."""
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": self.language,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            body = {"csrfmiddlewaretoken": self.token, **body}
            data = urllib.parse.urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        return headers, data

    def remember(self, response: http.client.HTTPResponse, content: bytes) -> None:
        """Keep the cookies the answer sets (a deleted one is forgotten) and its form's token."""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                value = rest.split(";")[0]
                if value and value != '""':
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        found = self.CSRF.search(content)
        if found:
            self.token = found.group(1).decode()

    def request(self, method: str, path: str, body: dict | None = None):
        """(status, location, body) of one request."""
        headers, data = self.prepare(method, path, body)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        self.remember(response, content)
        return response.status, response.getheader("Location", ""), content

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body: dict):
        if not self.token:
            self.get(path)
        return self.request("POST", path, body)
