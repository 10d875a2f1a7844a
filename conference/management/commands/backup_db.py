"""Back up the site's database into one file while the site keeps running.

- SQLite (the embedded default): SQLite's online backup API (``sqlite3.Connection.backup``)
  copies a consistent snapshot, page by page, into a new single file (rollback journal, no
  ``-wal``/``-shm`` beside it) and checks it (``PRAGMA integrity_check``). Copying the live file
  with ``cp`` is not safe: with WAL the last writes are in ``db.sqlite3-wal``, and a write during
  the copy tears it.
- PostgreSQL: ``pg_dump --format=custom`` (restore with ``pg_restore``), with the connection of
  ``DATABASE_URL``; pg_dump reads one consistent snapshot and does not block the site.

The file is written beside its final name and renamed when complete, so an interrupted backup
never leaves a half-written file under the name a restore would pick up. README, "Backup and
restore", gives the restore steps::

    .venv/bin/python manage.py backup_db /var/backups/hoinghi/$(date +%F).sqlite3
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def sqlite_backup(source: str | Path, target: str | Path) -> None:
    """Copy the SQLite database ``source`` into the new file ``target`` with the online backup
    API: a consistent snapshot, taken while others read and write ``source``."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source_db = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True, timeout=20)
    try:
        copy = sqlite3.connect(partial)
        try:
            # All pages in one step: one read transaction, so one consistent snapshot; with WAL
            # (the site's journal mode) the writers are not held up meanwhile.
            source_db.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise CommandError("The copy is damaged: " + "; ".join(problems[:5]))
        finally:
            copy.close()
    finally:
        source_db.close()
    os.replace(partial, target)


def postgres_backup(settings_dict: dict, target: str | Path) -> None:
    """``pg_dump --format=custom`` of the database of ``settings_dict`` into ``target``."""
    program = shutil.which("pg_dump")
    if program is None:
        raise CommandError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    command = [program, "--format=custom", "--no-owner", "--file", str(partial)]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command += [option, str(settings_dict[key])]
    command.append(settings_dict["NAME"])
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
    os.replace(partial, target)


class Command(BaseCommand):
    help = (
        "Back up the database into FILE while the site runs: SQLite through its online backup "
        "API, PostgreSQL with pg_dump --format=custom."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file to write (replaced if it exists).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file: str, database: str, **options):
        connection = connections[database]
        if connection.vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if name == ":memory:" or "mode=memory" in name:
                raise CommandError("An in-memory SQLite database cannot be backed up.")
            sqlite_backup(name, file)
        elif connection.vendor == "postgresql":
            postgres_backup(connection.settings_dict, file)
        else:
            raise CommandError(f"No backup for the {connection.vendor} engine.")
        size = Path(file).stat().st_size
        self.stdout.write(f"Backed up into {file} ({size:,} bytes).")
