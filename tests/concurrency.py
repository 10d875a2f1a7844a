"""Fire the same call from many threads at the same instant, each thread with its own database
connection, and count the outcomes: the harness of the race tests (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def at_once(
    count: int, call: Callable[[int], object], outcomes: dict[type[BaseException], str]
) -> dict[str, int]:
    """Run ``call(n)`` for n in range(count), all released together by a barrier.

    Returns how many calls returned ("ok") and how many raised each exception type named in
    ``outcomes`` (by the name given there); any other exception counts as "error".
    """
    barrier = threading.Barrier(count)
    tally = {"ok": 0, **dict.fromkeys(outcomes.values(), 0), "error": 0}
    guard = threading.Lock()

    def run(n: int) -> None:
        key = "error"
        try:
            barrier.wait()
            call(n)
            key = "ok"
        except tuple(outcomes) as error:
            key = next(name for kind, name in outcomes.items() if isinstance(error, kind))
        except Exception:
            key = "error"
        finally:
            connections.close_all()
        with guard:
            tally[key] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return tally
