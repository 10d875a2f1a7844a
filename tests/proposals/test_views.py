"""The proposal lists: the organizers' filters and the public page's (proposals/filters.py), the
pages of 50, the reviewer's one list, the public page's cache, and that no list renders a
template per row."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conference import public_cache
from conference.models import Edition
from proposals import services
from proposals.models import Proposal, Review, ReviewerAssignment
from proposals.views import next_or_current
from tests.factories import EditionFactory, ProposalFactory, department, policy_area
from tests.html import page_text, texts

pytestmark = pytest.mark.django_db


def manage_url(edition, **query) -> str:
    query = {"edition": edition.number, **query}
    return reverse("proposals:manage") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


@pytest.fixture
def listed(edition, people):
    """Three submitted proposals of different provinces, areas and states; one reviewed."""
    hanoi = ProposalFactory(
        edition=edition, state="in_review", title="Cơ chế điện mặt trời mái nhà"
    )
    quangninh = ProposalFactory(
        edition=edition,
        department=department("22"),
        state="accepted",
        area=policy_area("trade"),
        title="Chợ biên giới Móng Cái",
    )
    haiphong = ProposalFactory(
        edition=edition,
        department=department("31"),
        state="submitted",
        area=policy_area("industry"),
        title="Cụm công nghiệp ven biển",
    )
    ProposalFactory(edition=edition, title="Bản nháp chưa gửi")
    ReviewerAssignment.objects.create(proposal=hanoi, reviewer=people.reviewer)
    Review.objects.create(
        proposal=hanoi, reviewer=people.reviewer, score=4, recommendation="accept"
    )
    return {"hanoi": hanoi, "quangninh": quangninh, "haiphong": haiphong}


def _organizer_titles(client, people, edition, **query) -> list[str]:
    client.force_login(people.organizer)
    response = client.get(manage_url(edition, **query))
    assert response.status_code == 200
    return [p.title for p in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {},
            ["Cụm công nghiệp ven biển", "Chợ biên giới Móng Cái", "Cơ chế điện mặt trời mái nhà"],
        ),
        ({"q": "DIEN+mat+troi"}, ["Cơ chế điện mặt trời mái nhà"]),
        ({"q": "mong+cai"}, ["Chợ biên giới Móng Cái"]),
        ({"state": "submitted"}, ["Cụm công nghiệp ven biển"]),
        ({"score": "4"}, ["Cơ chế điện mặt trời mái nhà"]),
        ({"score": "5"}, []),
        # A value that does not validate filters nothing, as before: never an error page.
        (
            {"state": "draft"},
            ["Cụm công nghiệp ven biển", "Chợ biên giới Móng Cái", "Cơ chế điện mặt trời mái nhà"],
        ),
        (
            {"score": "x", "q": "cho"},
            ["Cụm công nghiệp ven biển", "Chợ biên giới Móng Cái", "Cơ chế điện mặt trời mái nhà"],
        ),
    ],
)
def test_organizer_filters_narrow_the_list(client, edition, people, listed, query, expected):
    assert _organizer_titles(client, people, edition, **query) == expected


def test_organizer_filters_by_unit_area_and_reviewer(client, edition, people, listed):
    assert _organizer_titles(client, people, edition, unit=listed["quangninh"].unit_id) == [
        "Chợ biên giới Móng Cái"
    ]
    assert _organizer_titles(client, people, edition, area=policy_area("industry").pk) == [
        "Cụm công nghiệp ven biển"
    ]
    assert _organizer_titles(client, people, edition, reviewer=people.reviewer.pk) == [
        "Cơ chế điện mặt trời mái nhà"
    ]


def test_organizer_filters_offer_the_editions_provinces_and_keep_the_chosen_values(
    client, edition, people, listed
):
    client.force_login(people.organizer)
    response = client.get(manage_url(edition, state="accepted", q="chợ"))
    form = response.context["filters"]
    assert list(form.fields) == ["edition", "q", "unit", "area", "state", "reviewer", "score"]
    assert [label for _value, label in form.fields["unit"].choices] == [
        "Tất cả tỉnh, thành phố",
        "Hà Nội",
        "Hải Phòng",
        "Quảng Ninh",
    ]
    html = response.content.decode()
    assert f'<option value="{edition.number}" selected>' in html
    assert '<option value="accepted" selected>' in html
    assert 'name="q" id="id_q" value="chợ"' in html


def test_organizer_list_unknown_edition_falls_back_and_keeps_the_other_filters(
    client, edition, people, listed
):
    client.force_login(people.organizer)
    response = client.get(reverse("proposals:manage") + "?edition=999&state=submitted")
    assert response.context["edition"] == edition
    assert [p.title for p in response.context["page"].object_list] == ["Cụm công nghiệp ven biển"]


def test_organizer_list_checkbox_values_are_plain_ids(client, edition, people):
    """The bulk assignment posts the ticked ids: 1234, never "1.234" (the page's numbers have
    thousands separators)."""
    ProposalFactory(pk=1234, edition=edition, state="submitted")
    client.force_login(people.organizer)
    html = client.get(manage_url(edition)).content.decode()
    assert 'name="proposals" value="1234" id="pick-1234"' in html
    assert 'href="/proposals/1234/"' in html


def test_organizer_list_is_paginated_with_the_count_of_the_edition(client, edition, people):
    Proposal.objects.bulk_create(
        [
            Proposal(
                edition=edition,
                department=department("01"),
                unit=department("01").unit,
                area=policy_area("energy"),
                title=f"Kiến nghị {n:03}",
                sort_key=f"kien nghi {n:03}",
                state="submitted",
                submitted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            )
            for n in range(60)
        ]
    )
    client.force_login(people.organizer)
    first = client.get(manage_url(edition))
    second = client.get(manage_url(edition, page=2))
    assert (first.context["page"].paginator.count, len(first.context["page"].object_list)) == (
        60,
        50,
    )
    assert [p.title for p in second.context["page"].object_list] == [
        f"Kiến nghị {n:03}" for n in range(50, 60)
    ]
    assert "Trang 1/2" in page_text(first)


def test_public_filters_search_without_accents_and_offer_only_provinces_with_public_proposals(
    client, edition, listed
):
    url = reverse("proposals:public_list", args=[edition.number])
    response = client.get(url, {"q": "MONG cai"})
    assert texts(response, tag="h3") == ["Chợ biên giới Móng Cái"]
    form = response.context["filters"]
    assert list(form.fields) == ["q", "area", "unit"]
    assert form.fields["unit"].choices == [
        ("", "Tất cả tỉnh, thành phố"),
        (str(listed["quangninh"].unit_id), "Quảng Ninh"),
    ]
    assert texts(client.get(url, {"q": "dien mat troi"}), tag="h3") == []
    assert texts(client.get(url, {"area": policy_area("trade").pk}), tag="h3") == [
        "Chợ biên giới Móng Cái"
    ]
    assert texts(client.get(url, {"unit": "nonsense"}), tag="h3") == ["Chợ biên giới Móng Cái"]


def test_public_page_cached_and_fresh_again_when_an_answer_is_recorded(
    client, edition, listed, django_capture_on_commit_callbacks, django_assert_num_queries
):
    url = reverse("proposals:public_list", args=[edition.number])
    cache.clear()
    with override_settings(PUBLIC_CACHE_SECONDS=60):
        assert "Đã có văn bản trả lời" not in page_text(client.get(url))
        with django_assert_num_queries(0):
            client.get(url)
        with django_capture_on_commit_callbacks(execute=True):
            services.response_record(
                proposal=listed["quangninh"],
                status="answered",
                date=datetime.date(2026, 3, 1),
                issued_by="Bộ Công Thương",
                text="Đã có văn bản trả lời",
                actor=None,
            )
        assert "Đã có văn bản trả lời" in page_text(client.get(url))
    cache.clear()


def test_organizer_list_reads_editions_areas_and_units_from_the_cache_fresh_after_a_change(
    client, edition, people, listed, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The selects' editions, policy areas and provinces are kept with the public pages: read
    once, then from the cache, and fresh again once an area (or edition, or unit) changes."""
    client.force_login(people.organizer)
    url = manage_url(edition)
    cache.clear()
    with override_settings(PUBLIC_CACHE_SECONDS=60):
        client.get(url)
        # ORGANIZER_LIST_QUERIES less the editions, the areas and the units.
        with django_assert_num_queries(ORGANIZER_LIST_QUERIES - 3):
            response = client.get(url)
        assert "Năng lượng" in response.content.decode()
        client.force_login(people.reviewer)
        reviews = reverse("proposals:reviewer_dashboard") + f"?edition={edition.number}"
        client.get(reviews)
        with django_assert_num_queries(REVIEWER_LIST_QUERIES - 3):
            assert "Hà Nội · Năng lượng" in page_text(client.get(reviews))
        client.force_login(people.organizer)
        energy = policy_area("energy")
        with django_capture_on_commit_callbacks(execute=True):
            energy.name = "Năng lượng tái tạo"
            energy.save()
        html = client.get(url).content.decode()
        assert f'<option value="{energy.pk}">Năng lượng tái tạo</option>' in html
        assert "<td>Hà Nội</td><td>Năng lượng tái tạo</td>" in html  # the row of Hà Nội
    cache.clear()


def test_public_pages_not_made_stale_by_a_proposal_that_is_not_public(
    edition, listed, django_capture_on_commit_callbacks
):
    cache.clear()
    with override_settings(PUBLIC_CACHE_SECONDS=60):
        before = public_cache.version()
        with django_capture_on_commit_callbacks(execute=True):
            draft = ProposalFactory(edition=edition)
            draft.title = "Bản nháp sửa lại"
            draft.save(update_fields=["title"])
        assert public_cache.version() == before
        with django_capture_on_commit_callbacks(execute=True):
            listed["quangninh"].save(update_fields=["title"])
        assert public_cache.version() == before + 1
    cache.clear()


def test_reviewer_dashboard_lists_what_is_left_first_then_what_is_done(
    client, edition, people, listed
):
    other = ProposalFactory(edition=edition, department=department("22"), state="submitted")
    ReviewerAssignment.objects.create(proposal=other, reviewer=people.reviewer)
    client.force_login(people.reviewer)
    response = client.get(reverse("proposals:reviewer_dashboard") + f"?edition={edition.number}")
    assert texts(response, "review-counts") == ["Được phân công: 2 · đã thẩm định: 1 · còn lại: 1"]
    assert texts(response, "reviews-missing") == [f"{other.title} Quảng Ninh · Năng lượng Đã gửi"]
    assert texts(response, "reviews-done") == [
        "Cơ chế điện mặt trời mái nhà Hà Nội · Năng lượng Điểm của ông/bà: 4/5 Đang thẩm định"
    ]


def _rows(edition, people, count: int) -> None:
    """``count`` more proposals of each kind the lists show, each with what its row shows."""
    states = ["accepted", "in_review", "submitted", "draft"]
    for n in range(count):
        proposal = ProposalFactory(
            edition=edition, department=department("22"), state=states[n % len(states)]
        )
        if proposal.state == "draft":
            continue
        ReviewerAssignment.objects.create(proposal=proposal, reviewer=people.reviewer)
        if n % 2:
            Review.objects.create(
                proposal=proposal, reviewer=people.reviewer, score=3, recommendation="accept"
            )
        if proposal.state == "accepted":
            proposal.responses.create(
                status="partly", date="2026-03-01", issued_by="Bộ Công Thương", text="…"
            )


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("organizer", lambda e: manage_url(e)),
        ("reviewer", lambda e: reverse("proposals:reviewer_dashboard") + f"?edition={e.number}"),
        ("other_liaison", lambda e: reverse("proposals:mine") + f"?edition={e.number}"),
        (None, lambda e: reverse("proposals:public_list", args=[e.number])),
    ],
)
def test_proposal_lists_render_no_template_per_row(client, edition, people, role, page):
    """A list renders the same templates for 1 row as for 12 (an include per row made the
    lists tens of times slower than a bare view): counted with the test client's record of
    template_rendered signals."""
    if role:
        client.force_login(getattr(people, role))
    rendered = []
    for count in (1, 12):
        Proposal.objects.filter(edition=edition).delete()
        _rows(edition, people, count)
        response = client.get(page(edition))
        assert response.status_code == 200
        assert len(response.context["page"].object_list) >= (1 if count == 1 else 3)
        rendered.append([template.name for template in response.templates])
    assert rendered[0] == rendered[1]


@pytest.mark.parametrize(
    ("role", "page", "queries"),
    [
        ("organizer", lambda e: manage_url(e), "ORGANIZER_LIST_QUERIES"),
        (
            "reviewer",
            lambda e: reverse("proposals:reviewer_dashboard") + f"?edition={e.number}",
            "REVIEWER_LIST_QUERIES",
        ),
        (
            "other_liaison",
            lambda e: reverse("proposals:mine") + f"?edition={e.number}",
            "LIAISON_LIST_QUERIES",
        ),
    ],
)
def test_proposal_lists_query_count_same_for_one_and_many(
    client, edition, people, role, page, queries, django_assert_num_queries
):
    client.force_login(getattr(people, role))
    for count in (1, 12):
        Proposal.objects.filter(edition=edition).delete()
        _rows(edition, people, count)
        client.get(page(edition))
        with django_assert_num_queries(globals()[queries]):
            response = client.get(page(edition))
        assert len(response.context["page"].object_list) >= (1 if count == 1 else 3)


# Session, user with their department, roles (the signed-in pages' own), then the page's: the
# editions (the one shown and the select, one query), …
# organizers: areas and units (the editions, areas and units are read from the cache when the
# public pages are cached: three fewer), the state counts per unit, reviewers, the page (its
# pending decisions a subquery), its reviewers;
ORGANIZER_LIST_QUERIES = 10
# reviewers: areas and units (from the cache when it is on, as the organizers'), the page with
# the counts (window counts);
REVIEWER_LIST_QUERIES = 7
# liaisons: the page's count, the page, the proposal window.
LIAISON_LIST_QUERIES = 7


@pytest.mark.parametrize(
    "dates",
    [
        [("past", None), ("soon", None), ("later", None)],
        [("past", None), ("past", "soon")],
        [("past", None), ("undated", None)],
        [("past", None), ("past", None)],
        [("later", None), ("soon", None)],
    ],
)
def test_next_or_current_from_a_list_as_the_queryset_chooses(dates):
    """The proposal lists choose their edition from the list of every edition (one query): the
    same one as ``EditionQuerySet.next_or_current``."""
    today = timezone.localdate()
    days = {"past": -400, "soon": 10, "later": 200}
    for start, end in dates:
        EditionFactory(
            date=None if start == "undated" else today + datetime.timedelta(days=days[start]),
            end_date=None if end is None else today + datetime.timedelta(days=days[end]),
            year=today.year,
        )
    assert next_or_current(list(Edition.objects.all())) == Edition.objects.next_or_current()


def test_organizer_list_row_shows_carried_over_and_recorded_decisions(client, edition, people):
    """A row as the organizer reads it: title (escaped), carried-over badge, province, area,
    state with the decisions recorded but not published, reviewers, reviews, mean score."""
    earlier = ProposalFactory(edition=EditionFactory(), state="accepted")
    proposal = ProposalFactory(
        edition=edition,
        state="decided",
        title="Điện <mặt trời> & gió",
        carried_over_from=earlier,
    )
    ReviewerAssignment.objects.create(proposal=proposal, reviewer=people.reviewer)
    Review.objects.create(
        proposal=proposal, reviewer=people.reviewer, score=4, recommendation="accept"
    )
    proposal.decisions.create(outcome="accept", reason="Đủ cơ sở.")
    client.force_login(people.organizer)
    html = client.get(manage_url(edition)).content.decode()
    row = html[html.index('<tr class="proposal-row">') :]
    row = row[: row.index("</tr>") + 5]
    pk = proposal.pk
    assert row == (
        '<tr class="proposal-row"><td><input class="form-check-input" type="checkbox"'
        f' name="proposals" value="{pk}" id="pick-{pk}"'
        ' aria-label="Điện &lt;mặt trời&gt; &amp; gió"></td>'
        f'<td><a href="/proposals/{pk}/">Điện &lt;mặt trời&gt; &amp; gió</a>'
        ' <span class="badge text-bg-light border">chuyển tiếp</span></td>'
        f"<td>{proposal.unit.name}</td><td>{proposal.area}</td>"
        '<td><span class="badge proposal-state proposal-state-decided text-bg-info">'
        "Đã quyết định, chưa công bố</span>"
        ' <span class="small text-body-secondary">(Chấp nhận)</span></td>'
        '<td class="small">Lê Văn Thẩm</td><td class="text-end">1</td>'
        '<td class="text-end">4,0</td></tr>'
    )
