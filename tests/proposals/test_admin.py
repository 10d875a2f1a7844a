from django.urls import reverse

from tests.factories import ReviewFactory, UserFactory
from tests.html import page_text


def test_proposal_admin_shows_the_reviews_read_only(client, db):
    review = ReviewFactory(
        score=2, recommendation="reject", comments="Trùng với kiến nghị năm trước."
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:proposals_proposal_change", args=[review.proposal.pk]))

    assert response.status_code == 200
    page = page_text(response)
    assert "Trùng với kiến nghị năm trước." in page
    assert 'name="reviews-0-comments"' not in response.content.decode()
