"""Backup and restore (README, "Backup and restore"): ``manage.py backup_db`` while the site
writes, then the restore steps the README gives, comparing every table's rows."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import RegistrationFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(*args: str, **variables: str) -> subprocess.CompletedProcess:
    """``manage.py`` in a subprocess with the site's own settings (not the test suite's)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "DATABASE_URL", "TESTING"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "conference.settings", "DEBUG": "1", **variables})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the SQLite file, in a fixed order."""
    db = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        db.close()


@pytest.mark.django_db
def test_backup_db_copies_sqlite_while_a_write_is_under_way(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup is tested on the SQLite pass")
    # The site's database as a file in WAL mode (as settings.py opens it), with this test's rows.
    RegistrationFactory.create_batch(3)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    live = data_dir / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(live)
    target.execute("PRAGMA journal_mode=WAL")
    target.executescript("\n".join(connection.connection.iterdump()))
    target.close()
    before = _sqlite_rows(live)
    # A visitor's write is under way: its transaction holds the write lock, not yet committed.
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date) "
        "VALUES ('during-the-backup', 'x', '2099-01-01 00:00:00')"
    )

    result = _manage("backup_db", str(tmp_path / "backup.sqlite3"), DATA_DIR=str(data_dir))

    writer.execute("COMMIT")
    writer.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Backed up into {tmp_path / 'backup.sqlite3'} (")
    # Restore as the README says: the backup file becomes the database of a fresh data folder.
    restored = tmp_path / "restored" / "db.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(tmp_path / "backup.sqlite3", restored)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sqlite3", "data", "restored"]
    restored_rows = _sqlite_rows(restored)
    assert restored_rows == before
    assert len(restored_rows["conference_registration"]) == 3
    after = _sqlite_rows(live)
    assert [row[0] for row in after["django_session"]] == ["during-the-backup"]
    check = _manage("migrate", "--check", DATA_DIR=str(restored.parent))
    assert (check.returncode, check.stderr) == (0, "")


def _postgres_counts(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo, autocommit=True) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_db_dumps_postgres_and_pg_restore_brings_back_every_row(tmp_path):
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
                pytest.fail(f"{program} is not on PATH (required in CI)")
            pytest.skip(f"{program} is not on PATH (Debian: postgresql-client)")
    from django.core.management import call_command

    RegistrationFactory.create_batch(3)
    settings_dict = connection.settings_dict
    server = {
        key: value
        for key, value in {
            "host": settings_dict["HOST"],
            "port": settings_dict["PORT"],
            "user": settings_dict["USER"],
            "password": settings_dict["PASSWORD"],
        }.items()
        if value
    }
    conninfo = psycopg.conninfo.make_conninfo(dbname=settings_dict["NAME"], **server)
    restored_name = f"{settings_dict['NAME']}_restored"
    admin = psycopg.conninfo.make_conninfo(dbname="postgres", **server)

    call_command("backup_db", str(tmp_path / "site.dump"))

    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        db.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        env = {**os.environ, "PGPASSWORD": str(settings_dict["PASSWORD"] or "")}
        command = ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored_name]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings_dict[key]:
                command += [option, str(settings_dict[key])]
        result = subprocess.run(
            [*command, str(tmp_path / "site.dump")], env=env, capture_output=True, text=True
        )
        assert (result.returncode, result.stderr) == (0, "")
        original = _postgres_counts(conninfo)
        restored = _postgres_counts(psycopg.conninfo.make_conninfo(dbname=restored_name, **server))
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
    assert restored == original
    assert original["conference_registration"] == 3
    assert original["provinces_provincialunit"] > 0
