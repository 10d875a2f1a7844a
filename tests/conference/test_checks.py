"""System checks: the outbox's delays must agree with each other (README, "How long the outbox
takes to heal")."""

from conference.checks import check_outbox_timing


def test_outbox_timing_defaults_agree(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"

    assert check_outbox_timing(None) == []


def test_outbox_timing_sending_timeout_within_the_task_limit_warns(settings):
    settings.OUTBOX_TASK_TIME_LIMIT = settings.OUTBOX_SENDING_TIMEOUT

    assert [warning.id for warning in check_outbox_timing(None)] == ["conference.W002"]


def test_outbox_timing_visibility_shorter_than_a_waiting_retry_warns(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}

    (warning,) = check_outbox_timing(None)

    assert (warning.id, warning.msg) == (
        "conference.W003",
        "The broker's visibility time-out (600 s) is not longer than the longest a delivery "
        "task stays unacknowledged (1860 s: OUTBOX_RETRY_DELAY_MAX plus the task's time limit): "
        "waiting retries would be delivered again and again.",
    )
