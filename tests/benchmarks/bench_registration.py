"""Benchmark of delegate registration on PostgreSQL behind gunicorn (not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_registration.py \
        [--database-url postgres://postgres@127.0.0.1:55432/bench_reg] [--rows 20000] \
        [--requests 300] [--workers 2] [--reuse]

What it does:

1. Creates the database named in the URL (``--database-url``, else ``BENCH_DATABASE_URL``, else
   ``DATABASE_URL``, else the dev server above) — dropped and created anew unless ``--reuse`` —,
   migrates it and seeds one open edition (number 99, marked as sample data) with 18
   participating units, two programme parts and ``--rows`` registrations (70 % confirmed, 15 %
   pending, 5 % waitlisted, cancelled and checked in each), plus an organizer with a session.
2. Starts gunicorn on a free loopback port with production-like settings: DEBUG off, a random
   SECRET_KEY, collected static files behind WhiteNoise's manifest storage, persistent database
   connections, HTTPS as seen behind a proxy (``X-Forwarded-Proto: https``), Celery with a broker
   (an in-memory one: the request only queues the email, as with Redis). On top of the site's
   settings the benchmark settings (written to a temporary folder) only
   - turn the registration rate limit off (``RATELIMIT_POSTS`` set very high),
   - add the bare Django view ``/__bare__/`` (returns "ok") to the URLs, and
   - put a middleware first in the stack that adds ``Server-Timing: app;dur=<ms>``.
3. Sends ``--requests`` requests to each page from one client on loopback, interleaved (bare
   view, form page, registration POST — a valid new registration every time —, organizers' list
   of the 20,000, the same list searched) after a warm-up, and prints the median and the 95th
   percentile of the **server time** (the Server-Timing header: from the first middleware in to
   the response leaving it, inside the gunicorn worker, so without the network and HTTP parsing)
   next to the client's wall time on loopback.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.serving import (
    Client,
    Server,
    create_database,
    percentile,
    site_environment,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:55432/bench_reg"
EDITION = 99

SETTINGS = """\
from conference.settings import *  # noqa: F401,F403
from conference.settings import MIDDLEWARE

ROOT_URLCONF = "bench_urls"
RATELIMIT_POSTS = 10**9
MIDDLEWARE = ["bench_urls.ServerTimingMiddleware", *MIDDLEWARE]
"""

URLS = """\
import time

from django.http import HttpResponse
from django.urls import path

from conference.urls import urlpatterns as site


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.3f}"
        return response


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("__bare__/", bare), *site]
"""

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Phan"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Thu", "Hồng", "Ngọc"]
GIVEN = ["Hiền", "Thành", "Lan", "Sơn", "Tân", "Thắng", "An", "Trung", "Dũng", "Hà", "Bình"]
POSITIONS = ["Giám đốc Sở", "Phó Giám đốc Sở", "Trưởng phòng Quản lý Công nghiệp", "Chuyên viên"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_URL,
    )
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    return parser.parse_args()


def seed(rows: int) -> dict:
    """Migrate and seed; returns what the client needs (ids and the organizer's session)."""
    import datetime

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from conference.models import (
        Edition,
        EditionParticipant,
        ProgrammePart,
        Registration,
        User,
    )
    from provinces.models import ProvincialUnit

    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    edition = Edition.objects.filter(number=EDITION).first()
    if edition is None or edition.registrations.count() < rows:
        started = time.perf_counter()
        with transaction.atomic():
            Edition.objects.filter(number=EDITION).delete()
            edition = Edition.objects.create(
                number=EDITION,
                year=now.year + 1,
                date=(now + datetime.timedelta(days=60)).date(),
                registration_opens_at=now - datetime.timedelta(days=10),
                registration_closes_at=now + datetime.timedelta(days=50),
                capacity=10 * rows,
                is_demo=True,
            )
            units = list(ProvincialUnit.objects.current().order_by("code"))
            EditionParticipant.objects.bulk_create(
                EditionParticipant(edition=edition, unit=unit, quota=rows) for unit in units
            )
            parts = [
                ProgrammePart.objects.create(edition=edition, order=1, title="Phiên toàn thể"),
                ProgrammePart.objects.create(edition=edition, order=2, title="Tham quan"),
            ]
            statuses = (
                ["confirmed"] * 14 + ["pending"] * 3 + ["waitlisted", "cancelled", "checked_in"]
            )
            rng = random.Random(4)
            batch = []
            for index in range(rows):
                unit = units[index % len(units)]
                status = statuses[index % len(statuses)]
                registration = Registration(
                    edition=edition,
                    unit=unit,
                    full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    salutation=rng.choice(["ong", "ba"]),
                    position=rng.choice(POSITIONS),
                    organisation_kind="doit",
                    organisation_name=f"Sở Công Thương {unit.name}",
                    email=f"daibieu{index}@example.vn",
                    phone=f"+8491{index:07d}",
                    dietary_needs="Ăn chay" if index % 9 == 0 else "",
                    consent_given_at=now,
                    status=status,
                    waitlisted_at=now if status == "waitlisted" else None,
                    checked_in_at=now if status == "checked_in" else None,
                    created_at=now - datetime.timedelta(minutes=rows - index),
                )
                registration.email = registration.email.lower()
                registration.refresh_search_fields()
                batch.append(registration)
            created = Registration.objects.bulk_create(batch, batch_size=2000)
            through = Registration.parts.through
            through.objects.bulk_create(
                (
                    through(registration_id=registration.pk, programmepart_id=part.pk)
                    for registration in created
                    for part in (parts if registration.pk % 3 else parts[:1])
                ),
                batch_size=5000,
            )
        print(f"Seeded {rows:,} registrations in {time.perf_counter() - started:.1f} s")
    else:
        print(f"Reusing {edition.registrations.count():,} registrations of edition {EDITION}")
    organizer, _created = User.objects.get_or_create(
        username="bench-organizer", defaults={"full_name": "Người Tổ Chức"}
    )
    organizer.groups.add(Group.objects.get(name="organizer"))
    session = SessionStore()
    session[SESSION_KEY] = str(organizer.pk)
    session[BACKEND_SESSION_KEY] = "conference.access.AccessBackend"
    session[HASH_SESSION_KEY] = organizer.get_session_auth_hash()
    session.create()
    return {
        "session": session.session_key,
        "unit": EditionParticipant.objects.filter(edition=edition)
        .order_by("unit__code")
        .values_list("unit_id", flat=True)
        .first(),
        "parts": list(edition.programme_parts.values_list("pk", flat=True)),
    }


def main() -> None:
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_reg_"))
    env = site_environment(folder, settings=SETTINGS, urls=URLS, database_url=args.database_url)
    try:
        create_database(args.database_url, recreate=not args.reuse)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        seeded = seed(args.rows)
        with Server(env, args.workers, folder / "gunicorn.log") as server:
            results = run(server.port, seeded, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(results, args)


def run(port: int, seeded: dict, args) -> dict[str, dict[str, list[float]]]:
    form_path = f"/editions/{EDITION}/register/"
    list_path = f"/registrations/?edition={EDITION}"
    search_path = f"/registrations/?edition={EDITION}&q=nguyen+hien"
    visitor, organizer = Client(port), Client(port, seeded["session"])

    status, _location, _content, _wall = visitor.request("GET", form_path)
    if status != 200 or not visitor.token:
        raise SystemExit(f"The form page answered {status}")
    counter = iter(range(10**9))

    def post():
        number = next(counter)
        body = {
            "salutation": "ba",
            "full_name": "Trần Thị Phương Lan",
            "position": "Phó Giám đốc Sở",
            "organisation_kind": "doit",
            "organisation_name": "Sở Công Thương Hà Nội",
            "unit": seeded["unit"],
            "email": f"bench-{os.getpid()}-{time.time_ns()}-{number}@example.vn",
            "phone": "0912 345 678",
            "parts": seeded["parts"],
            "accommodation_needs": "",
            "dietary_needs": "Ăn chay",
            "consent": "on",
            "website": "",
        }
        return visitor.request("POST", form_path, body)

    pages = {
        "bare Django view (GET /__bare__/)": (
            visitor,
            lambda: visitor.request("GET", "/__bare__/"),
        ),
        "registration form (GET)": (visitor, lambda: visitor.request("GET", form_path)),
        "registration (POST, new delegate)": (visitor, post),
        "organizers' list (GET, page 1)": (organizer, lambda: organizer.request("GET", list_path)),
        "organizers' list, search (GET)": (
            organizer,
            lambda: organizer.request("GET", search_path),
        ),
    }
    expected = {
        "registration (POST, new delegate)": 302,
    }
    results = {name: {"server": [], "wall": []} for name in pages}
    for round_number in range(args.warmup + args.requests):
        for name, (client, call) in pages.items():
            status, location, _content, wall = call()
            if status != expected.get(name, 200) or (
                status == 302 and not location.endswith("/register/sent/")
            ):
                raise SystemExit(f"{name}: HTTP {status} {location}")
            if round_number >= args.warmup:
                results[name]["server"].append(client.server_ms)
                results[name]["wall"].append(wall)
    return results


def report(results: dict[str, dict[str, list[float]]], args) -> None:
    bare_median = statistics.median(next(iter(results.values()))["server"])
    print()
    print(
        textwrap.dedent(
            f"""\
            {args.rows:,} registrations, PostgreSQL, gunicorn {args.workers} sync workers,
            {args.requests} measured requests per page (after {args.warmup} warm-up), one client
            on loopback, pages interleaved. Server time: Server-Timing set by the first
            middleware (inside the worker); client: wall time of the request on loopback."""
        )
    )
    header = (
        f"{'page':<36} {'server median':>14} {'server p95':>11} {'× bare':>7} "
        f"{'client median':>14} {'client p95':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, values in results.items():
        server, wall = values["server"], values["wall"]
        median = statistics.median(server)
        print(
            f"{name:<36} {median:>11.2f} ms {percentile(server, 0.95):>8.2f} ms "
            f"{median / bare_median:>6.1f}× {statistics.median(wall):>11.2f} ms "
            f"{percentile(wall, 0.95):>8.2f} ms"
        )


if __name__ == "__main__":
    main()
