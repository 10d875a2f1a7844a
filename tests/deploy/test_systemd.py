"""The systemd units of deploy/systemd: every long-running process restarts by itself, and the
commands are the ones the README and the integration tests use."""

import configparser
import shlex
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((UNITS / name).read_text().replace("\\\n", " "))
    return parser


def command(name: str) -> list[str]:
    return shlex.split(unit(name)["Service"]["ExecStart"])


@pytest.mark.parametrize("name", ["hoinghi-web", "hoinghi-worker", "hoinghi-beat"])
def test_unit_restarts_always_and_never_gives_up(name):
    parsed = unit(f"{name}.service")

    assert (
        parsed["Service"]["Restart"],
        parsed["Unit"]["StartLimitIntervalSec"],
        "Requires" in parsed["Unit"],
    ) == ("always", "0", False)


def test_worker_unit_runs_the_worker_as_the_integration_tests_do():
    assert command("hoinghi-worker.service") == [
        "/srv/hoinghi/.venv/bin/celery",
        "-A",
        "conference",
        "worker",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        "worker@%H",
    ]


def test_worker_unit_waits_longer_than_the_task_time_limit_before_killing(settings):
    stop = float(unit("hoinghi-worker.service")["Service"]["TimeoutStopSec"])

    assert stop > settings.OUTBOX_TASK_TIME_LIMIT


def test_health_timer_runs_the_health_check():
    assert command("hoinghi-health.service")[1:] == ["manage.py", "outbox_health"]
    assert unit("hoinghi-health.timer")["Timer"]["OnUnitActiveSec"] == "5min"
