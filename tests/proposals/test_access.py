"""Every proposal page with every role: who is let in, who is refused, and that no list or
export shows another department's drafts."""

import io

import openpyxl
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals import services
from proposals.models import Proposal, ReviewerAssignment
from tests.factories import ProposalFactory, department
from tests.html import page_text
from tests.proposals.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "liaison",
    "other_liaison",
    "reviewer",
    "other_reviewer",
    "own_reviewer",
    "organizer",
    "staff",
]


@pytest.fixture
def world(edition, people):
    """A Hà Nội proposal in review (assigned to a Hải Phòng reviewer and, against the rules,
    directly to a Hà Nội reviewer), a Hà Nội draft, a Quảng Ninh draft, an accepted one."""
    reviewed = ProposalFactory(edition=edition, state="submitted", title="Kiến nghị đang thẩm định")
    services.attachment_add(proposal=reviewed, upload=upload("kn.pdf", pdf_bytes()), actor=None)
    services.reviewers_assign(proposals=[reviewed], reviewers=[people.reviewer], actor=None)
    ReviewerAssignment.objects.create(proposal=reviewed, reviewer=people.own_reviewer)
    draft = ProposalFactory(edition=edition, title="Bản nháp của Hà Nội")
    other_draft = ProposalFactory(
        edition=edition, department=department("22"), title="Bản nháp của Quảng Ninh"
    )
    accepted = ProposalFactory(edition=edition, state="accepted", title="Kiến nghị được chấp nhận")
    reviewed.refresh_from_db()
    return {
        "reviewed": reviewed,
        "draft": draft,
        "other_draft": other_draft,
        "accepted": accepted,
        "attachment": reviewed.attachments.get(),
    }


def _close(response) -> None:
    """Close a response (a download holds its file open until then) as the test client does:
    without the end-of-request signal, which would close the test's database connection."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _client(client, people, role):
    if role != "anonymous":
        client.force_login(getattr(people, role))
    return client


def _status(client, people, role, url):
    response = _client(client, people, role).get(url)
    _close(response)
    client.logout()
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


ALL_OK = dict.fromkeys(ROLES, 200)


def _expect(allowed: set[str], anonymous="login") -> dict[str, object]:
    return {
        role: anonymous if role == "anonymous" else (200 if role in allowed else 403)
        for role in ROLES
    }


PAGES = {
    "mine": (lambda w, e: reverse("proposals:mine"), _expect({"liaison", "other_liaison"})),
    "create": (
        lambda w, e: reverse("proposals:create") + f"?edition={e.number}",
        _expect({"liaison", "other_liaison"}),
    ),
    "detail": (
        lambda w, e: reverse("proposals:detail", args=[w["reviewed"].pk]),
        _expect({"liaison", "reviewer", "organizer"}),
    ),
    "detail_draft": (
        lambda w, e: reverse("proposals:detail", args=[w["draft"].pk]),
        _expect({"liaison", "organizer"}),
    ),
    "edit_draft": (
        lambda w, e: reverse("proposals:edit", args=[w["draft"].pk]),
        _expect({"liaison"}),
    ),
    "edit_in_review": (
        lambda w, e: reverse("proposals:edit", args=[w["reviewed"].pk]),
        _expect(set()),
    ),
    "withdraw": (
        lambda w, e: reverse("proposals:withdraw", args=[w["reviewed"].pk]),
        _expect({"liaison", "organizer"}),
    ),
    "review": (
        lambda w, e: reverse("proposals:review", args=[w["reviewed"].pk]),
        _expect({"reviewer"}),
    ),
    "attachment": (
        lambda w, e: reverse("proposals:attachment", args=[w["attachment"].pk]),
        _expect({"liaison", "reviewer", "organizer"}),
    ),
    "reviewer_dashboard": (
        lambda w, e: reverse("proposals:reviewer_dashboard"),
        _expect({"reviewer", "other_reviewer", "own_reviewer"}),
    ),
    "manage": (lambda w, e: reverse("proposals:manage"), _expect({"organizer"})),
    "export_xlsx": (
        lambda w, e: reverse("proposals:export_xlsx") + f"?edition={e.number}",
        _expect({"organizer"}),
    ),
    "public": (
        lambda w, e: reverse("proposals:public_list", args=[e.number]),
        ALL_OK,
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_lets_in_exactly_the_roles_allowed(client, edition, people, world, page):
    url_of, expected = PAGES[page]
    url = url_of(world, edition)
    assert {role: _status(client, people, role, url) for role in ROLES} == expected


ACTIONS = {
    "submit": lambda w: (reverse("proposals:submit", args=[w["draft"].pk]), {}),
    "assign": lambda w: (reverse("proposals:assign", args=[w["reviewed"].pk]), {}),
    "decide": lambda w: (
        reverse("proposals:decide", args=[w["reviewed"].pk]),
        {"outcome": "accept"},
    ),
    "forward": lambda w: (reverse("proposals:forward", args=[w["accepted"].pk]), {}),
    "answer": lambda w: (reverse("proposals:response", args=[w["accepted"].pk]), {}),
    "publish": lambda w: (reverse("proposals:publish"), {}),
    "carry_over": lambda w: (reverse("proposals:carry_over"), {}),
    "assign_bulk": lambda w: (reverse("proposals:assign_bulk"), {}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_organizer_actions_are_refused_to_every_other_role(client, edition, people, world, action):
    url, data = ACTIONS[action](world)
    states = dict(Proposal.objects.values_list("pk", "state"))
    outcome = {}
    for role in ROLES:
        if role in ("organizer", "liaison") and action == "submit":
            continue
        if role == "organizer":
            continue
        response = _client(client, people, role).post(url, data)
        client.logout()
        outcome[role] = "login" if response.status_code == 302 else response.status_code
    expected = {role: "login" if role == "anonymous" else 403 for role in outcome}
    assert outcome == expected
    assert dict(Proposal.objects.values_list("pk", "state")) == states


def test_no_list_or_export_shows_another_departments_draft(client, edition, people, world):
    client.force_login(people.other_liaison)
    mine = page_text(client.get(reverse("proposals:mine")))
    assert "Bản nháp của Quảng Ninh" in mine
    assert "Bản nháp của Hà Nội" not in mine and "Kiến nghị đang thẩm định" not in mine
    client.force_login(people.organizer)
    manage = page_text(client.get(reverse("proposals:manage") + f"?edition={edition.number}"))
    assert "Kiến nghị đang thẩm định" in manage
    assert "Bản nháp" not in manage
    response = client.get(reverse("proposals:export_xlsx") + f"?edition={edition.number}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    titles = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[3]]
    assert titles == ["Kiến nghị được chấp nhận"]
    client.force_login(people.reviewer)
    dashboard = page_text(client.get(reverse("proposals:reviewer_dashboard")))
    assert "Kiến nghị đang thẩm định" in dashboard and "Bản nháp" not in dashboard
    client.logout()
    public = page_text(client.get(reverse("proposals:public_list", args=[edition.number])))
    assert "Kiến nghị được chấp nhận" in public
    assert "Bản nháp" not in public and "Kiến nghị đang thẩm định" not in public


def test_attachment_download_is_an_attachment_with_nosniff(client, people, world):
    client.force_login(people.liaison)
    response = client.get(reverse("proposals:attachment", args=[world["attachment"].pk]))
    assert (
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        b"".join(response.streaming_content),
    ) == ("application/pdf", 'attachment; filename="kn.pdf"', "nosniff", pdf_bytes())
    _close(response)


# --- query counts: constant in the number of rows ----------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(edition, people, count):
    """``count`` more accepted proposals, each with two reviewers, an answer, a related
    document and a review (in bulk: 200 of them by factories took most of the test)."""
    from proposals.models import MinistryResponse, RelatedDocument, Review
    from tests.factories import policy_area

    hanoi = department("01")
    start = Proposal.objects.count()
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                edition=edition,
                department=hanoi,
                unit=hanoi.unit,
                area=policy_area("energy"),
                title=f"Kiến nghị số {start + n}",
                sort_key=f"kien nghi so {start + n:05}",
                state="accepted",
                submitted_at="2026-01-01T00:00:00Z",
            )
            for n in range(count)
        ]
    )
    ReviewerAssignment.objects.bulk_create(
        ReviewerAssignment(proposal=proposal, reviewer=reviewer)
        for proposal in proposals
        for reviewer in (people.reviewer, people.other_reviewer)
    )
    MinistryResponse.objects.bulk_create(
        MinistryResponse(
            proposal=p, status="partly", date="2026-03-01", issued_by="Bộ Công Thương", text="…"
        )
        for p in proposals
    )
    RelatedDocument.objects.bulk_create(
        RelatedDocument(proposal=p, number=f"{p.pk}/2026/NĐ-CP", title="…", date="2026-01-01")
        for p in proposals
    )
    Review.objects.bulk_create(
        Review(proposal=p, reviewer=people.reviewer, score=4, recommendation="accept")
        for p in proposals
    )


@pytest.mark.parametrize(
    ("role", "url_of"),
    [
        ("organizer", lambda e: reverse("proposals:manage") + f"?edition={e.number}"),
        ("reviewer", lambda e: reverse("proposals:reviewer_dashboard") + f"?edition={e.number}"),
        ("liaison", lambda e: reverse("proposals:mine") + f"?edition={e.number}"),
        (None, lambda e: reverse("proposals:public_list", args=[e.number])),
        (None, lambda e: reverse("conference:edition_detail", args=[e.number])),
    ],
)
def test_list_query_count_is_constant_in_rows(client, edition, people, role, url_of):
    if role:
        client.force_login(getattr(people, role))
    _grow(edition, people, 10)
    few = _queries(client, url_of(edition))
    _grow(edition, people, 190)  # 200: four pages of 50
    many = _queries(client, url_of(edition))
    assert many == few


@pytest.mark.pdf
def test_compiled_pdf_is_for_organizers_and_names_the_edition(client, edition, people, world):
    url = reverse("proposals:export_pdf") + f"?edition={edition.number}"
    client.force_login(people.liaison)
    assert client.get(url).status_code == 403
    client.force_login(people.organizer)
    response = client.get(url)
    assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")
    assert response["Content-Disposition"] == (
        f'attachment; filename="tong-hop-kien-nghi-{edition.ordinal}-{edition.year}.pdf"'
    )
