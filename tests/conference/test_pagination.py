import pytest
from django.core.paginator import Paginator

from conference.models import Registration
from conference.pagination import CountingPaginator
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _page(paginator, number):
    page = paginator.get_page(number)
    ids = [row.id if hasattr(row, "id") else row["id"] for row in page.object_list]
    return (page.number, paginator.count, paginator.num_pages, ids)


@pytest.mark.parametrize("number", [None, "1", 2, "3", "4", "99", "0", "-1", "x", 2.0, 2.5])
@pytest.mark.parametrize("shape", ["rows", "models", "dicts"])
def test_counting_paginator_gives_the_pages_of_paginator(number, shape, open_edition):
    """Seven rows, three a page: the same page, count and rows as ``Paginator`` for a page in
    range, past the end (the last page), not a number (the first) or below one (the last)."""
    for n in range(7):
        RegistrationFactory(edition=open_edition, full_name=f"Nguyễn Văn {chr(ord('A') + n)}")
    RegistrationFactory(full_name="Nguyễn Văn Khác")  # another edition
    registrations = Registration.objects.filter(edition=open_edition).ordered()
    if shape == "rows":
        registrations = registrations.for_rows()
    elif shape == "dicts":
        registrations = registrations.values("id", "full_name")
    expected = _page(Paginator(registrations, 3), number)
    assert _page(CountingPaginator(registrations, 3), number) == expected
    assert expected[1:3] == (7, 3)


def test_counting_paginator_of_no_rows_is_one_empty_page(open_edition):
    paginator = CountingPaginator(Registration.objects.none().ordered().for_rows(), 3)
    page = paginator.get_page("1")
    assert (page.number, paginator.count, paginator.num_pages, list(page)) == (1, 0, 1, [])


def test_counting_paginator_reads_a_page_and_its_count_in_one_query(
    open_edition, django_assert_num_queries
):
    for _ in range(5):
        RegistrationFactory(edition=open_edition)
    registrations = Registration.objects.filter(edition=open_edition).ordered().for_rows()
    with django_assert_num_queries(1):
        page = CountingPaginator(registrations, 2).get_page(2)
        assert (len(page), page.paginator.count, page.has_next()) == (2, 5, True)
    # past the end: the COUNT, then the last page, as Paginator does
    with django_assert_num_queries(3):
        page = CountingPaginator(registrations, 2).get_page(9)
        assert (page.number, len(page), page.paginator.count) == (3, 1, 5)
