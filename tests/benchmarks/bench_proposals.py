"""Benchmark of the proposal pages at scale (not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_proposals.py \
        [--database-url postgres://postgres@127.0.0.1:5433/bench_proposals] \
        [--proposals 5000] [--reviewers 30] [--requests 20] [--reuse]

Creates the database named in the URL (dropped and created anew unless ``--reuse``), migrates
it, seeds one sample edition (number 99) with ``--proposals`` proposals from the 18 current
units (60 % in review, 30 % accepted with an answer for one in three, 10 % submitted), three
reviewers and three reviews for each proposal in review or accepted (15,000 at 5,000
proposals), then requests in-process (Django's test client, DEBUG off, after a warm-up), each
``--requests`` times, interleaved:

- the bare view (``/favicon.ico``: a redirect, no database),
- the organizers' list (``/proposals/manage/?edition=99``, 50 a page, filters, review counts),
- the same list searched without accents (``q=dien mat troi``),
- a reviewer's dashboard (every proposal assigned to them: ~``3 × proposals / reviewers``),
- one proposal's page as its organizer sees it (reviews, summary, history),
- the public page of the edition (every accepted proposal with its answers and documents),

and prints the median and 95th percentile of the time per request and the number of queries.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5433/bench_proposals"


def _setup(url: str, reuse: bool) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["DEBUG"] = "0"
    os.environ["TESTING"] = "1"  # no HTTPS redirect for the in-process client
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    sys.path.insert(0, str(ROOT))
    if url.startswith("postgres") and not reuse:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(count: int, reviewer_count: int):
    import datetime

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from conference.models import Edition, EditionParticipant, User
    from conference.vietnamese import fold, sort_key
    from proposals.models import MinistryResponse, PolicyArea, Proposal, Review, ReviewerAssignment
    from provinces.models import Department, ProvincialUnit

    edition = Edition.objects.filter(number=99).first()
    if edition is not None and Proposal.objects.filter(edition=edition).exists():
        return edition
    if edition is None:
        edition = Edition.objects.create(
            number=99, year=2099, date=datetime.date(2099, 5, 1), is_demo=True, venue="Bench"
        )
    units = list(ProvincialUnit.objects.current())
    for unit in units:
        EditionParticipant.objects.get_or_create(edition=edition, unit=unit)
    departments = {d.unit_id: d for d in Department.objects.filter(unit__in=units)}
    areas = list(PolicyArea.objects.all())
    group = Group.objects.get(name="reviewer")
    reviewers = []
    for n in range(reviewer_count):
        user = User.objects.create(username=f"bench_reviewer_{n}", full_name=f"Người Thẩm Định {n}")
        user.groups.add(group)
        reviewers.append(user)
    User.objects.create(username="bench_organizer", full_name="Ban Tổ Chức").groups.add(
        Group.objects.get(name="organizer")
    )
    rng = random.Random(7)
    words = ["điện mặt trời", "cụm công nghiệp", "logistics", "thương mại điện tử", "chợ"]
    now = timezone.now()
    proposals = []
    for n in range(count):
        unit = units[n % len(units)]
        roll = rng.random()
        state = "in_review" if roll < 0.6 else "accepted" if roll < 0.9 else "submitted"
        title = f"Kiến nghị số {n} về {rng.choice(words)}"
        summary = f"Tóm tắt kiến nghị {n}: {rng.choice(words)}."
        proposals.append(
            Proposal(
                edition=edition,
                department=departments[unit.pk],
                unit=unit,
                title=title,
                area=rng.choice(areas),
                summary=summary,
                legal_references="Nghị định 32/2024/NĐ-CP",
                state=state,
                submitted_at=now,
                sort_key=sort_key(title),
                search_text=" ".join(fold(x) for x in (title, summary, unit.name)),
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=1000)
    Proposal.objects.filter(edition=edition).refresh_list_order()  # bulk_create skips save()
    proposals = list(Proposal.objects.filter(edition=edition).order_by("pk"))
    assignments, reviews, responses = [], [], []
    for index, proposal in enumerate(proposals):
        if proposal.state == "submitted":
            continue
        for k in range(3):
            reviewer = reviewers[(index + k) % len(reviewers)]
            assignments.append(ReviewerAssignment(proposal=proposal, reviewer=reviewer))
            reviews.append(
                Review(
                    proposal=proposal,
                    reviewer=reviewer,
                    score=rng.randint(1, 5),
                    recommendation="accept",
                )
            )
        if proposal.state == "accepted" and index % 3 == 0:
            responses.append(
                MinistryResponse(
                    proposal=proposal,
                    status="partly",
                    date=datetime.date(2099, 8, 1),
                    issued_by="Bộ Công Thương",
                    text="Đang nghiên cứu.",
                )
            )
    ReviewerAssignment.objects.bulk_create(assignments, batch_size=2000)
    Review.objects.bulk_create(reviews, batch_size=2000)
    MinistryResponse.objects.bulk_create(responses, batch_size=2000)
    return edition


def _measure(pages: dict[str, tuple], requests: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, int] = {}
    for name, (user, url) in pages.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[name] = client
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)  # warm-up
        assert response.status_code in (200, 302), (name, response.status_code)
        queries[name] = len(captured)
    for _ in range(requests):
        for name, (_user, url) in pages.items():
            start = time.perf_counter()
            clients[name].get(url)
            timings[name].append((time.perf_counter() - start) * 1000)
    bare = statistics.median(timings["bare view"])
    print(f"{'page':<36} {'median ms':>10} {'p95 ms':>8} {'× bare':>8} {'queries':>8}")
    for name, values in timings.items():
        values.sort()
        p95 = values[max(0, math.ceil(len(values) * 0.95) - 1)]
        median = statistics.median(values)
        print(f"{name:<36} {median:>10.1f} {p95:>8.1f} {median / bare:>8.0f} {queries[name]:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--proposals", type=int, default=5000)
    parser.add_argument("--reviewers", type=int, default=30)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    _setup(args.database_url, args.reuse)
    start = time.perf_counter()
    edition = _seed(args.proposals, args.reviewers)
    from conference.models import User
    from proposals.models import Proposal, Review

    print(
        f"Seeded in {time.perf_counter() - start:.0f} s: "
        f"{Proposal.objects.filter(edition=edition).count()} proposals, "
        f"{Review.objects.filter(proposal__edition=edition).count()} reviews."
    )
    organizer = User.objects.get(username="bench_organizer")
    reviewer = User.objects.get(username="bench_reviewer_0")
    one = Proposal.objects.filter(edition=edition, state="in_review").order_by("pk").first()
    _measure(
        {
            "bare view": (None, "/favicon.ico"),
            "organizers' list": (organizer, "/proposals/manage/?edition=99"),
            "organizers' list, searched": (
                organizer,
                "/proposals/manage/?edition=99&q=dien+mat+troi",
            ),
            "reviewer dashboard": (reviewer, "/reviews/?edition=99"),
            "proposal page (organizer)": (organizer, f"/proposals/{one.pk}/"),
            "public page": (None, "/editions/99/proposals/"),
        },
        args.requests,
    )


if __name__ == "__main__":
    main()
