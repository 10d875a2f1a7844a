"""Fixtures for tests that run real servers: Redis, Celery workers and SMTP on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.integration.servers import (
    BASE_DIR,
    CeleryBeat,
    CeleryWorker,
    Gunicorn,
    RedisServer,
    SMTPServer,
    database_url,
    production_env,
    worker_env,
)

# Short delays so that retries and self-healing happen within seconds (see conference.outbox).
WORKER_OUTBOX_SETTINGS = {
    "OUTBOX_RETRY_DELAY": 0.5,
    "OUTBOX_RETRY_DELAY_MAX": 2,
    "OUTBOX_MAX_ATTEMPTS": 10,
    "OUTBOX_REQUEUE_AFTER": 1,
    "OUTBOX_REQUEUE_EVERY": 1,
    "OUTBOX_SENDING_TIMEOUT": 12,
}


def _missing(reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture
def services_available():
    """A fallback for tests/conftest.py's marker hooks, which skip (or fail in CI) first."""
    from django.db import connection

    if shutil.which(os.environ.get("REDIS_SERVER", "redis-server")) is None:
        _missing("redis-server is not installed")
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def smtp_server(services_available):
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(services_available, tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def publishing(redis_server):
    """This test process publishes tasks to the test's Redis instead of running them eagerly."""
    from conference.celery_app import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def reset_pool():
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None

    reset_pool()
    app.conf.update(broker_url=redis_server.url, task_always_eager=False)
    yield app
    reset_pool()
    app.conf.update(saved)


@pytest.fixture
def start_worker(transactional_db, publishing, redis_server, smtp_server, tmp_path, settings):
    """Start Celery workers (with embedded beat) against the test database; all are stopped
    before the database is cleaned."""
    from django.db import connection

    for key, value in WORKER_OUTBOX_SETTINGS.items():
        setattr(settings, key, value)
    workers: list[CeleryWorker | CeleryBeat] = []

    def start(*, beat: bool | str = True, outbox: dict | None = None) -> CeleryWorker | CeleryBeat:
        """``outbox``: the OUTBOX_* settings of the worker (default: the short ones above;
        ``{}`` for the site's defaults). ``beat``: True embeds beat in the worker, False runs
        none, ``"only"`` starts beat alone as its own process (as in production)."""
        env = worker_env(
            database_url=database_url(connection.settings_dict),
            broker_url=redis_server.url,
            email_url=smtp_server.url,
            data_dir=tmp_path / "data",
            **(WORKER_OUTBOX_SETTINGS if outbox is None else outbox),
        )
        if beat == "only":
            worker = CeleryBeat(tmp_path / "celery", env)
        else:
            worker = CeleryWorker(tmp_path / "celery", env, beat=bool(beat))
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files collected once with their manifest, as a deployment does. Collected
    without WhiteNoise's compression (a minute of CPU for 30 MB of Bootstrap source maps): the
    production settings read the same manifest and serve the files uncompressed."""
    folder = tmp_path_factory.mktemp("static")
    (folder / "collect_settings.py").write_text(
        "from conference.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': "
        "'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
    )
    env = production_env(
        database_url="sqlite:///unused",
        broker_url="",
        cache_url="locmemcache://",
        email_url="",
        data_dir=folder / "data",
        static_root=folder / "static",
        DJANGO_SETTINGS_MODULE="collect_settings",
        PYTHONPATH=os.pathsep.join([str(folder), str(BASE_DIR)]),
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    return folder / "static"


@pytest.fixture
def start_site(transactional_db, redis_server, smtp_server, static_root, tmp_path):
    """Start gunicorn with the production settings against the test database, the test's Redis
    (broker on database 0, cache on database 1) and SMTP server; stopped at the end."""
    from django.db import connection

    sites: list[Gunicorn] = []

    def start(**extra) -> Gunicorn:
        env = production_env(
            database_url=database_url(connection.settings_dict),
            broker_url=redis_server.url,
            cache_url=f"redis://127.0.0.1:{redis_server.port}/1",
            email_url=smtp_server.url,
            data_dir=tmp_path / "site-data",
            static_root=static_root,
            **extra,
        )
        site = Gunicorn(tmp_path / "gunicorn", env).start()
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.stop()
