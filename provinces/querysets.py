from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from conference.vietnamese import fold


class ProvincialUnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> ProvincialUnitQuerySet:
        """Units that existed on ``day`` (an open end: still valid, or since before records)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
        )

    def current(self) -> ProvincialUnitQuerySet:
        return self.valid_on(timezone.localdate())

    def ordered(self) -> ProvincialUnitQuerySet:
        return self.order_by("sort_key", "valid_from")

    def search(self, query: str) -> ProvincialUnitQuerySet:
        folded = fold(query)
        if not folded:
            return self
        return self.filter(models.Q(search_text__contains=folded) | models.Q(code=query.strip()))


class DepartmentQuerySet(models.QuerySet):
    def ordered(self) -> DepartmentQuerySet:
        return self.order_by("unit__sort_key", "unit__valid_from")

    def current(self) -> DepartmentQuerySet:
        return self.filter(
            unit__in=self.model._meta.get_field("unit").related_model.objects.current()
        )
