import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from conference.models import EditionParticipant
from tests.factories import EditionFactory, UserFactory, current_unit


@pytest.fixture
def open_edition(db):
    """An edition open for registration: capacity 5, Hà Nội (quota 2) and Hải Phòng (no quota)."""
    now = timezone.now()
    edition = EditionFactory(
        date=(now + datetime.timedelta(days=30)).date(),
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=20),
        capacity=5,
    )
    EditionParticipant.objects.create(edition=edition, unit=current_unit("01"), quota=2)
    EditionParticipant.objects.create(edition=edition, unit=current_unit("31"), quota=None)
    return edition


@pytest.fixture
def staff_client(client):
    """A client logged in as a superuser with staff status: the Django admin."""
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def english():
    """Messages compared in English (the source language); Vietnamese is tested by language."""
    with translation.override("en"):
        yield


@pytest.fixture
def fresh_cache():
    """An empty cache before and after (rate limits and cached pages start afresh), and no
    cache outage remembered by the rate limits."""
    from conference import ratelimit

    cache.clear()
    ratelimit._FALLBACK = ratelimit._Fallback()
    yield
    cache.clear()
    ratelimit._FALLBACK = ratelimit._Fallback()
