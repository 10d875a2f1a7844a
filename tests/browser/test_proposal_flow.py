"""The whole life of a proposal by clicking: a liaison submits it with a PDF, an organizer
assigns a reviewer from another province, the reviewer scores it, the organizer decides and
publishes (the department gets the email), the public page shows it, an answer is recorded, and
an accepted one still waiting is carried over to the next edition."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from conference.models import EditionParticipant
from proposals.models import Proposal
from tests.browser.helpers import log_in
from tests.factories import (
    EditionFactory,
    LiaisonFactory,
    ProposalFactory,
    ProposalWindowFactory,
    ReviewerFactory,
    UserFactory,
    current_unit,
    department,
    policy_area,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _wait_for_mail(mailoutbox, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(mailoutbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mailoutbox) >= count


def test_proposal_from_submission_to_answer_and_carry_over(page, mailoutbox, tmp_path, settings):
    settings.PROPOSALS_FILES_DIR = tmp_path
    now = timezone.now()
    edition = EditionFactory(date=(now + datetime.timedelta(days=40)).date())
    following = EditionFactory(number=edition.number + 1)
    ProposalWindowFactory(edition=edition)
    for code in ("01", "31"):
        EditionParticipant.objects.create(edition=edition, unit=current_unit(code))
    LiaisonFactory(username="lien", email="lien@example.vn")
    ReviewerFactory(username="tham", full_name="Lê Văn Thẩm", department=department("31"))
    UserFactory(username="btc", full_name="Ngô Quang Trung", roles=["organizer"])
    waiting = ProposalFactory(edition=edition, state="forwarded", title="Kiến nghị còn chờ")
    pdf = tmp_path / "kien-nghi.pdf"
    pdf.write_bytes(PDF)

    # The liaison writes, files and submits.
    page.context.clear_cookies()  # the next person, on the same browser
    log_in(page, "lien")
    page.goto(f"/proposals/new/?edition={edition.number}")
    page.check("input[name=kind][value=proposal]")
    page.fill("input[name=title]", "Cơ chế điện mặt trời mái nhà")
    page.select_option("select[name=area]", str(policy_area("energy").pk))
    page.fill("textarea[name=summary]", "Đề nghị sớm ban hành cơ chế.")
    page.fill("textarea[name=legal_references]", "Nghị định 135/2024/NĐ-CP")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/proposals/\d+/$"))
    proposal = Proposal.objects.get(title="Cơ chế điện mặt trời mái nhà")
    page.set_input_files("input[name=file]", str(pdf))
    page.get_by_role("button", name="Tải lên").click()
    assert page.get_by_role("link", name="kien-nghi.pdf").is_visible()
    page.get_by_role("button", name="Gửi Ban Tổ chức").click()
    assert page.locator(".proposal-state").inner_text() == "Đã gửi"
    _wait_for_mail(mailoutbox, 1)

    # The organizer assigns the Hải Phòng reviewer.
    page.context.clear_cookies()  # the next person, on the same browser
    log_in(page, "btc")
    page.goto("/proposals/manage/")
    page.get_by_role("link", name="Cơ chế điện mặt trời mái nhà").click()
    page.get_by_label("Lê Văn Thẩm").check()
    page.get_by_role("button", name="Phân công", exact=True).click()
    assert page.locator(".proposal-state").inner_text() == "Đang thẩm định"
    _wait_for_mail(mailoutbox, 2)

    # The reviewer scores it, in English.
    page.context.clear_cookies()  # the next person, on the same browser
    log_in(page, "tham", prefix="/en")
    page.goto("/en/reviews/")
    page.get_by_role("link", name="Cơ chế điện mặt trời mái nhà").click()
    page.check("input[name=score][value='5']")
    page.select_option("select[name=recommendation]", "accept")
    page.fill("textarea[name=comments]", "Thiết thực.")
    page.get_by_role("button", name="Save my review").click()
    page.wait_for_url(re.compile(r"/en/reviews/$"))
    assert "Your score: 5/5" in page.inner_text(".reviews-done")

    # The organizer decides, publishes; the department is told.
    page.context.clear_cookies()  # the next person, on the same browser
    log_in(page, "btc")
    page.goto(f"/proposals/{proposal.pk}/")
    assert "1 ý kiến thẩm định · trung bình 5,0" in page.inner_text(".proposal-summary-scores")
    page.select_option("select[name=outcome]", "accept")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    page.goto(f"/proposals/manage/?edition={edition.number}")
    page.get_by_role("button", name="Công bố 1 quyết định đã ghi nhận").click()
    _wait_for_mail(mailoutbox, 3)
    assert mailoutbox[2].to == ["lien@example.vn"]
    assert mailoutbox[2].subject == (
        f"[Hội nghị Công Thương phía Bắc lần thứ {edition.ordinal}] "
        "Quyết định đối với kiến nghị “Cơ chế điện mặt trời mái nhà” của Quý Sở"
    )

    # The public page shows it, without accents in the search.
    page.context.clear_cookies()
    page.goto(f"/editions/{edition.number}/proposals/?q=dien+mat+troi")
    assert page.locator(".public-proposal h3").all_inner_texts() == ["Cơ chế điện mặt trời mái nhà"]

    # The answer is recorded.
    page.context.clear_cookies()  # the next person, on the same browser
    log_in(page, "btc")
    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_role("button", name="Ghi nhận đã chuyển tới cơ quan nhận").click()
    page.select_option("select[name=status]", "answered")
    page.fill("input[name=date]", "02/03/2027")
    page.fill("input[name=number]", "123/BCT-CTĐP")
    page.fill("textarea[name=text]", "Đã ban hành Nghị định.")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    assert page.locator(".proposal-state").inner_text() == "Đã trả lời"
    _wait_for_mail(mailoutbox, 4)

    # The one still waiting goes on to the next edition, once.
    page.goto(f"/proposals/manage/?edition={edition.number}")
    page.select_option("select[name=target]", str(following.pk))
    page.get_by_role("button", name="Chuyển sang kỳ sau").click()
    page.wait_for_url(re.compile(rf"edition={following.number}"))
    assert page.locator(".proposal-row a").first.inner_text() == "Kiến nghị còn chờ"
    waiting.refresh_from_db()
    assert waiting.state == "carried_over"
    assert Proposal.objects.filter(edition=following, carried_over_from=waiting).count() == 1
