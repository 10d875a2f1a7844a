"""Pages of a list whose rows are counted by the query that reads the page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Window

# The column of each row that holds the number of rows of the whole list.
FOUND = "rows_found"


class CountingPaginator(Paginator):
    """``Paginator`` over an ordered queryset whose page is read together with the number of
    all its rows (``COUNT(*) OVER ()``): one query where ``Paginator`` runs a COUNT and then the
    page, each with the same WHERE (a search matched every row twice).

    For a narrow WHERE (a search for a name): the count must read every match anyway, and the
    page comes from the same rows. Not for a broad one (a kind of organisation, a one-letter
    search): the window keeps every match to count it before the page's rows are taken, where a
    page alone stops at its 50th row in index order.

    The count is first in the ORDER BY (the same for every row, so the order is the
    queryset's): PostgreSQL then counts before it sorts, instead of walking the index of the
    page's order through every row as if the LIMIT stopped it early. A page past the end (no
    rows) falls back to ``Paginator``'s COUNT and its usual answer: the last page."""

    def get_page(self, number):
        order = self.object_list.query.order_by
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1  # as Paginator.get_page: not a number → the first page
        if wanted < 1 or self.orphans or not order or not self.allow_empty_first_page:
            return super().get_page(number)
        bottom = (wanted - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{FOUND: Window(Count("*"))}).order_by(FOUND, *order)[
                bottom : bottom + self.per_page
            ]
        )
        if not rows and wanted > 1:
            return super().get_page(number)
        self.count = _found(rows[0]) if rows else 0
        return self._get_page(rows, wanted, self)


def _found(row) -> int:
    """The count a row carries: a model's attribute, a ``values()`` row's key, the last value of
    a ``values_list()`` row (annotations come after the fields named, and a named row's class
    has only those names)."""
    if isinstance(row, dict):
        return row[FOUND]
    if isinstance(row, tuple):
        return row[-1]
    return getattr(row, FOUND)
