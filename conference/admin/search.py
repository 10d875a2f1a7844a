"""Accent-insensitive admin search: "ha giang", "dien bien", "so cong thuong" find their targets."""

from __future__ import annotations

from django.db.models import Q

from conference.vietnamese import fold


class FoldedSearchMixin:
    """Search the folded columns (see ``conference.vietnamese.fold``) word by word.

    ``folded_search_fields`` name columns that hold folded text (``search_text`` or a path to one,
    e.g. ``"host__search_text"``); every word of the query must occur in one of them. Django's
    own ``search_fields`` still apply and their results are added.
    """

    folded_search_fields: tuple[str, ...] = ()
    # For small tables without a folded column (chairs, agenda items): text fields folded in
    # Python, row by row. Keep it to tables of a few hundred rows.
    folded_python_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = fold(search_term).split()
        if words and self.folded_python_fields:
            matching = [
                pk
                for pk, *values in queryset.values_list("pk", *self.folded_python_fields)
                if all(any(word in fold(v) for v in values if v) for word in words)
            ]
            results = results | queryset.filter(pk__in=matching)
        if not words or not self.folded_search_fields:
            return results, may_have_duplicates
        condition = Q()
        for word in words:
            any_field = Q()
            for field in self.folded_search_fields:
                any_field |= Q(**{f"{field}__contains": word})
            condition &= any_field
        related = any("__" in field for field in self.folded_search_fields)
        return results | queryset.filter(condition), may_have_duplicates or related
