import datetime

import pytest
from django.utils import timezone

from conference.models import EditionParticipant
from tests.factories import EditionFactory, current_unit


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


def delegate_data(**overrides):
    data = {
        "unit": current_unit("01"),
        "full_name": "Nguyễn Thị Hiền",
        "salutation": "ba",
        "position": "Phó Giám đốc",
        "organisation_kind": "doit",
        "organisation_name": "Sở Công Thương Hà Nội",
        "email": "hien@example.vn",
        "phone": "0912 345 678",
        "accommodation_needs": "",
        "dietary_needs": "Ăn chay",
        "language": "vi",
    }
    data.update(overrides)
    return data
