"""The seat figures every page shows stay exactly right after every kind of change, though they are
kept in the cache between changes (conference/seat_counts.py): each figure is compared with a
count made in the database at that moment."""

import pytest
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from conference import badges, seat_counts
from conference.models import EditionParticipant, Registration
from conference.permissions import ORGANIZER
from conference.services import registrations as services
from conference.services import venue
from tests.factories import (
    RegistrationFactory,
    UserFactory,
    current_unit,
    delegate_data,
)
from tests.html import form_data

pytestmark = pytest.mark.django_db

Status = Registration.Status


def counted_now(edition) -> dict:
    """Every figure, counted in the database without the cache."""
    rows = Registration.objects.filter(edition=edition).values_list("unit_id", "status")
    rows = rows.annotate(n=Count("pk")).order_by()
    counts: dict = {}
    for unit_id, status, n in rows:
        counts.setdefault(unit_id, {})[status] = n
    return counts


def shown(edition) -> dict:
    """Every figure as the pages read them (through the cache)."""
    edition.refresh_from_db()
    participants = EditionParticipant.objects.filter(edition=edition).with_seat_counts()
    return {
        "summary": services.seats_summary(edition),
        "words": services.seats_availability_by_unit(edition),
        "units": {
            p.unit_id: (p.registered, p.used, p.waiting, p.pending, p.with_badge)
            for p in participants
        },
        "desk": venue.checkin_counts(edition),
        "others": badges.others_counts(edition),
    }


def expected(edition) -> dict:
    """The same figures, from :func:`counted_now` with the cache out of the way."""
    counts = counted_now(edition)
    seated = Registration.HOLDS_SEAT

    def of(unit_id, statuses=None):
        return sum(
            n
            for status, n in counts.get(unit_id, {}).items()
            if statuses is None or status in statuses
        )

    taken = sum(of(unit_id, seated) for unit_id in counts)
    participants = list(EditionParticipant.objects.filter(edition=edition))
    joined = {p.unit_id for p in participants}
    others = [unit_id for unit_id in counts if unit_id not in joined]
    left = None if edition.capacity is None else max(edition.capacity - taken, 0)
    edition_word = services._availability(left, edition.capacity)
    words = {None: edition_word}
    for p in participants:
        used = of(p.unit_id, seated)
        unit_left = None if p.quota is None else max(p.quota - used, 0)
        found = [w for w in (edition_word, services._availability(unit_left, p.quota)) if w]
        words[p.unit_id] = max(found, key=services.AVAILABILITY_ORDER.index, default="")
    return {
        "summary": {
            "capacity": edition.capacity,
            "taken": taken,
            "left": left,
            "registered": sum(of(unit_id) for unit_id in counts),
        },
        "words": words,
        "units": {
            p.unit_id: (
                of(p.unit_id),
                of(p.unit_id, seated),
                of(p.unit_id, [Status.WAITLISTED]),
                of(p.unit_id, [Status.PENDING]),
                of(p.unit_id, Registration.GETS_BADGE),
            )
            for p in participants
        },
        "desk": {
            "checked_in": sum(of(u, [Status.CHECKED_IN]) for u in counts),
            "expected": sum(of(u, Registration.GETS_BADGE) for u in counts),
        },
        "others": {
            "with_badge": sum(of(u, Registration.GETS_BADGE) for u in others),
            "pending": sum(of(u, [Status.PENDING]) for u in others),
        },
    }


@pytest.fixture
def organizer():
    return UserFactory(username="bantochuc", roles=[ORGANIZER])


def test_seat_figures_stay_right_after_every_kind_of_change(
    open_edition, organizer, staff_client, django_capture_on_commit_callbacks
):
    hanoi, haiphong = current_unit("01"), current_unit("31")
    steps = []

    def check(step):
        steps.append(step)
        assert (step, shown(open_edition)) == (step, expected(open_edition))

    check("empty")
    with django_capture_on_commit_callbacks(execute=True):
        first, _created = services.delegate_register(
            edition=open_edition, data=delegate_data(email="a@example.vn"), consent=True
        )
    check("created, unverified")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_verify_email(registration=first)
    check("address confirmed: pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration=first, actor=organizer)
    check("confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        second, _created = services.delegate_register(
            edition=open_edition, data=delegate_data(email="b@example.vn"), consent=True
        )
        services.registration_verify_email(registration=second)
        third, _created = services.delegate_register(
            edition=open_edition,
            data=delegate_data(email="c@example.vn"),
            consent=True,
            join_waitlist=True,
        )
        third = services.registration_verify_email(registration=third)
    assert third.status == Status.WAITLISTED  # Hà Nội's quota of 2 is taken
    check("Hà Nội full, one waiting")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_correct(
            registration=Registration.objects.get(pk=second.pk),
            actor=organizer,
            data={"unit": haiphong},
        )
    check("province corrected: a seat moved to Hải Phòng, the waiting one moved up")
    assert Registration.objects.get(pk=third.pk).status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first, actor=organizer)
    check("cancelled")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create_by_staff(
            edition=open_edition,
            actor=organizer,
            data=delegate_data(
                email="", unit=None, organisation_kind="press", organisation_name="Báo Công Thương"
            ),
        )
    check("entered by staff without a province")
    url = reverse("admin:conference_editionparticipant_changelist")
    data = form_data(staff_client.get(url, {"edition__id__exact": open_edition.pk}))
    participant = EditionParticipant.objects.get(edition=open_edition, unit=hanoi)
    prefix = next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == [str(participant.pk)]
    )
    data[f"{prefix}-quota"] = ["1"]
    data["_save"] = ["Save"]
    data.pop("action", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{url}?edition__id__exact={open_edition.pk}", data)
    assert response.status_code == 302
    check("quota lowered in the admin")
    assert shown(open_edition)["words"][hanoi.pk] == "full"
    with django_capture_on_commit_callbacks(execute=True):
        Registration.objects.get(pk=third.pk).delete()
    check("deleted")
    assert len(steps) == 10


def test_seat_counts_read_from_the_cache_until_a_registration_changes(
    open_edition, django_assert_num_queries
):
    RegistrationFactory(edition=open_edition, status=Status.CONFIRMED)
    assert services.seats_summary(open_edition)["taken"] == 1
    with django_assert_num_queries(0):
        assert services.seats_summary(open_edition)["taken"] == 1
    RegistrationFactory(edition=open_edition, status=Status.PENDING)
    with django_assert_num_queries(1):
        assert services.seats_summary(open_edition)["taken"] == 2


def test_seat_counts_read_before_a_commit_are_dropped_at_the_commit(
    open_edition, django_capture_on_commit_callbacks
):
    """Another request may read the counts while a change is not yet committed (it sees the old
    figures) and keep them: the version moves again at the commit, so they are never read."""
    assert services.seats_summary(open_edition)["taken"] == 0
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        RegistrationFactory(edition=open_edition, status=Status.CONFIRMED)
        # What another request kept meanwhile, from the committed rows (none yet).
        seat_counts.cached(open_edition.pk, "counts", lambda: {})
        assert services.seats_summary(open_edition)["taken"] == 0
    assert services.seats_summary(open_edition)["taken"] == 1


def test_seat_counts_of_one_edition_do_not_move_another(open_edition, django_assert_num_queries):
    other = RegistrationFactory(status=Status.CONFIRMED).edition
    assert services.seats_summary(open_edition)["taken"] == 0
    RegistrationFactory(edition=other, status=Status.CONFIRMED)
    with django_assert_num_queries(0):
        assert services.seats_summary(open_edition)["taken"] == 0
    assert services.seats_summary(other)["taken"] == 2


def test_seat_counts_without_cache_count_every_time(
    open_edition, settings, django_assert_num_queries
):
    settings.SEAT_COUNTS_CACHE_SECONDS = 0
    RegistrationFactory(edition=open_edition, status=Status.CONFIRMED)
    services.seats_summary(open_edition)
    with django_assert_num_queries(1):
        assert services.seats_summary(open_edition)["taken"] == 1


def test_seat_counts_asked_of_the_cache_once_per_request(open_edition, monkeypatch):
    """Within a request the figures (and their version) are read from the cache once; a change
    made by the request itself is seen at once; after the request nothing is remembered."""
    from django.core.cache import cache

    RegistrationFactory(edition=open_edition, status=Status.CONFIRMED)
    services.seats_summary(open_edition)  # kept in the cache
    reads = []
    real_get = cache.get
    monkeypatch.setattr(
        cache, "get", lambda *args, **kwargs: reads.append(args[0]) or real_get(*args, **kwargs)
    )
    # The receivers of request_started and request_finished (the signal itself would also
    # close the test's database connection).
    seat_counts._request_started()
    try:
        assert services.seats_summary(open_edition)["taken"] == 1
        assert services.seats_summary(open_edition)["taken"] == 1
        badges.cut_names(open_edition)
        assert len(reads) == 3  # the version, the counts, the names too long
        RegistrationFactory(edition=open_edition, status=Status.PENDING)
        assert services.seats_summary(open_edition)["taken"] == 2
    finally:
        seat_counts._request_finished()
    reads.clear()
    assert services.seats_summary(open_edition)["taken"] == 2
    assert len(reads) == 2  # outside a request: asked each time


def test_seat_counts_versions_read_together_and_move_with_a_change(open_edition, settings):
    other = RegistrationFactory(status=Status.CONFIRMED).edition
    services.seats_summary(open_edition)
    services.seats_summary(other)  # both have a version now
    before = seat_counts.versions([open_edition.pk, other.pk])
    assert set(before) == {open_edition.pk, other.pk}
    RegistrationFactory(edition=open_edition, status=Status.CONFIRMED)
    after = seat_counts.versions([open_edition.pk, other.pk])
    assert after[other.pk] == before[other.pk]
    assert after[open_edition.pk] != before[open_edition.pk]
    settings.SEAT_COUNTS_CACHE_SECONDS = 0
    assert seat_counts.versions([open_edition.pk, other.pk]) is None
