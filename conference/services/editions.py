"""Writes with rules about an edition: its seats (the capacity and the units' quotas).

Whenever seats are added, the waiting list moves up at once: :func:`edition_fill_free_seats` is
what every path calls after a capacity or a quota changed (the admin's forms, the organizers'
list, the shell through :func:`edition_set_capacity` and :func:`participant_set_quota`).
"""

from __future__ import annotations

from django.db import transaction

from conference.models import Edition, EditionParticipant, Registration
from conference.services.registrations import registration_promote_next


@transaction.atomic
def edition_fill_free_seats(*, edition: Edition, actor) -> list[Registration]:
    """After the capacity or a quota changed: give the free seats to the waiting list, first come
    first served (a delegate whose unit is still full keeps their place). Returns those moved."""
    return registration_promote_next(edition=edition, actor=actor)


@transaction.atomic
def edition_set_capacity(*, edition: Edition, capacity: int | None, actor) -> list[Registration]:
    """Set the edition's capacity (None: no limit) and fill the seats it frees."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    edition.capacity = capacity
    edition.full_clean(validate_constraints=False)
    edition.save(update_fields=["capacity"])
    return edition_fill_free_seats(edition=edition, actor=actor)


@transaction.atomic
def participant_set_quota(
    *, participant: EditionParticipant, quota: int | None, actor
) -> list[Registration]:
    """Set a unit's quota at an edition (None: no quota) and fill the seats it frees."""
    Edition.objects.select_for_update().get(pk=participant.edition_id)
    participant = EditionParticipant.objects.select_for_update().get(pk=participant.pk)
    participant.quota = quota
    participant.full_clean(validate_constraints=False)
    participant.save(update_fields=["quota"])
    return edition_fill_free_seats(edition=participant.edition, actor=actor)
