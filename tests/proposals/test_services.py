import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conference.models import AuditEntry, Notification
from proposals import services
from proposals.models import Attachment, Decision, Proposal, Review, ReviewerAssignment
from tests.emails import prefixed
from tests.factories import (
    EditionFactory,
    ProposalFactory,
    ReviewerFactory,
    department,
    policy_area,
)
from tests.proposals.conftest import office_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db
S = Proposal.State


def _data(**overrides):
    data = {
        "kind": "proposal",
        "title": "Cơ chế điện mặt trời mái nhà",
        "area": policy_area("energy"),
        "addressed_to": "ministry",
        "summary": "Đề nghị sớm ban hành cơ chế.",
        "legal_references": "Nghị định 135/2024/NĐ-CP",
        "presenter_name": "Nguyễn Thị Hiền",
        "presenter_title": "Giám đốc Sở",
    }
    data.update(overrides)
    return data


def _states(proposal):
    return list(
        AuditEntry.objects.filter(object_id=str(proposal.pk), action__startswith="proposal.")
        .order_by("id")
        .values_list("action", "from_state", "to_state")
    )


def test_proposal_submit_moves_a_draft_and_emails_the_liaisons(
    edition, people, django_capture_on_commit_callbacks, mailoutbox
):
    proposal = services.proposal_create(
        edition=edition, department=department("01"), data=_data(), actor=people.liaison
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_submit(proposal=proposal, actor=people.liaison)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.unit.code) == (S.SUBMITTED, "01")
    assert _states(proposal) == [
        ("proposal.create", "", "draft"),
        ("proposal.submitted", "draft", "submitted"),
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            ["lien_hn@example.vn"],
            prefixed(edition, "Đã nhận kiến nghị “Cơ chế điện mặt trời mái nhà” của Quý Sở"),
        )
    ]


def test_proposal_submit_is_refused_after_the_deadline(edition, people):
    proposal = ProposalFactory(edition=edition)
    window = edition.proposal_window
    window.opens_at = None
    window.closes_at = timezone.make_aware(datetime.datetime(2026, 1, 10))  # noqa: DTZ001 (made aware)
    window.save()
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, actor=people.liaison)
    assert error.value.messages == ["Hạn gửi kiến nghị là đến hết ngày 09/01/2026; đã hết hạn."]
    proposal.refresh_from_db()
    assert proposal.state == S.DRAFT


def test_proposal_withdraw_needs_a_reason_and_records_it(edition, people):
    proposal = ProposalFactory(edition=edition, state="submitted")
    with pytest.raises(ValidationError) as error:
        services.proposal_withdraw(proposal=proposal, actor=people.liaison, reason=" ")
    assert error.value.message_dict == {"reason": ["Vui lòng nêu lý do rút kiến nghị."]}
    services.proposal_withdraw(proposal=proposal, actor=people.liaison, reason="Đã trùng nội dung")
    proposal.refresh_from_db()
    assert proposal.state == S.WITHDRAWN
    entry = AuditEntry.objects.get(action="proposal.withdrawn")
    assert (entry.reason, entry.from_state, entry.actor) == (
        "Đã trùng nội dung",
        "submitted",
        people.liaison,
    )


def test_set_state_refuses_a_transition_not_in_the_map(edition, people):
    proposal = ProposalFactory(edition=edition, state="rejected")
    with pytest.raises(ValidationError) as error:
        services.proposal_withdraw(proposal=proposal, actor=people.liaison, reason="x")
    assert error.value.messages == [
        "Kiến nghị đang ở trạng thái “Không được chấp nhận” không thể chuyển sang “Đã rút”."
    ]


def test_reviewers_assign_refuses_a_reviewer_from_the_proposals_own_province(edition, people):
    proposal = ProposalFactory(edition=edition, state="submitted")
    with pytest.raises(ValidationError) as error:
        services.reviewers_assign(
            proposals=[proposal], reviewers=[people.own_reviewer], actor=people.organizer
        )
    assert error.value.messages == [
        f"Vũ Văn Nội không thể thẩm định “{proposal.title}”: kiến nghị của chính tỉnh, thành "
        "phố mình (Hà Nội)."
    ]
    assert ReviewerAssignment.objects.count() == 0


def test_reviewers_assign_in_bulk_sends_one_digest_per_reviewer(
    edition, people, django_capture_on_commit_callbacks, mailoutbox
):
    proposals = [ProposalFactory(edition=edition, state="submitted") for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        result = services.reviewers_assign(
            proposals=proposals,
            reviewers=[people.reviewer, people.other_reviewer, people.own_reviewer],
            actor=people.organizer,
            strict=False,
        )
    assert (len(result.created), len(result.refused)) == (6, 3)
    assert sorted(m.to[0] for m in mailoutbox) == ["thamdinh2@example.vn", "thamdinh@example.vn"]
    assert {m.subject for m in mailoutbox} == {
        prefixed(edition, "Kiến nghị được phân công cho ông/bà thẩm định")
    }
    assert {p.state for p in Proposal.objects.filter(edition=edition)} == {S.IN_REVIEW}
    # Assigning again creates nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.reviewers_assign(
            proposals=proposals, reviewers=[people.reviewer], actor=people.organizer
        )
    assert (again.created, len(mailoutbox)) == ([], 2)


def test_reviewers_assign_by_area_takes_only_that_areas_proposals(edition, people):
    energy = ProposalFactory(edition=edition, state="submitted")
    ProposalFactory(edition=edition, state="submitted", area=policy_area("trade"))
    ProposalFactory(edition=edition, state="draft")
    result = services.reviewers_assign_by_area(
        edition=edition, area=policy_area("energy"), reviewers=[people.reviewer], actor=None
    )
    assert [a.proposal for a in result.created] == [energy]


def test_review_save_refusals(edition, people):
    proposal = ProposalFactory(edition=edition, state="in_review")
    with pytest.raises(ValidationError) as error:
        services.review_save(
            proposal=proposal, reviewer=people.reviewer, score=4, recommendation="accept"
        )
    assert error.value.messages == ["Ông/bà không được phân công thẩm định kiến nghị này."]
    ReviewerAssignment.objects.create(proposal=proposal, reviewer=people.own_reviewer)
    with pytest.raises(ValidationError) as error:
        services.review_save(
            proposal=proposal, reviewer=people.own_reviewer, score=4, recommendation="accept"
        )
    assert error.value.messages == [
        "Ông/bà không thể thẩm định kiến nghị của tỉnh, thành phố mình."
    ]
    ReviewerAssignment.objects.create(proposal=proposal, reviewer=people.reviewer)
    with pytest.raises(ValidationError) as error:
        services.review_save(
            proposal=proposal, reviewer=people.reviewer, score=6, recommendation="accept"
        )
    assert list(error.value.message_dict) == ["score"]
    with pytest.raises(ValidationError) as error:
        services.review_save(
            proposal=proposal, reviewer=people.reviewer, score=3, recommendation="merge"
        )
    assert list(error.value.message_dict) == ["related_proposal"]


def test_review_can_change_until_decisions_are_published(edition, people):
    proposal = ProposalFactory(edition=edition, state="submitted")
    services.reviewers_assign(proposals=[proposal], reviewers=[people.reviewer], actor=None)
    services.review_save(
        proposal=proposal, reviewer=people.reviewer, score=2, recommendation="revise"
    )
    services.proposal_decide(proposal=proposal, outcome="accept", actor=people.organizer)
    services.review_save(
        proposal=proposal, reviewer=people.reviewer, score=5, recommendation="accept"
    )
    assert list(Review.objects.values_list("score", "recommendation")) == [(5, "accept")]
    services.decisions_publish(edition=edition, actor=people.organizer)
    with pytest.raises(ValidationError) as error:
        services.review_save(
            proposal=proposal, reviewer=people.reviewer, score=1, recommendation="reject"
        )
    assert error.value.code == "closed"


def test_review_summary_counts_mean_median_and_recommendations(edition):
    proposal = ProposalFactory(edition=edition, state="in_review")
    for score, recommendation in [(5, "accept"), (2, "revise"), (4, "accept"), (3, "accept")]:
        Review.objects.create(
            proposal=proposal,
            reviewer=ReviewerFactory(),
            score=score,
            recommendation=recommendation,
        )
    summary = services.review_summary(proposal.reviews.all())
    assert summary == services.ReviewSummary(
        count=4, mean=3.5, median=3.5, recommendations={"Chấp nhận": 3, "Đề nghị chỉnh sửa": 1}
    )


def test_proposal_decide_needs_a_reason_to_reject_and_a_proposal_to_merge(edition, people):
    proposal = ProposalFactory(edition=edition, state="in_review")
    with pytest.raises(ValidationError) as error:
        services.proposal_decide(proposal=proposal, outcome="reject", actor=people.organizer)
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as error:
        services.proposal_decide(proposal=proposal, outcome="merge", actor=people.organizer)
    assert list(error.value.message_dict) == ["related_proposal"]
    with pytest.raises(ValidationError):
        services.proposal_decide(
            proposal=proposal, outcome="duplicate", related_proposal=proposal, actor=None
        )
    assert Decision.objects.count() == 0


def test_decisions_are_recorded_then_published_together(
    edition, people, django_capture_on_commit_callbacks, mailoutbox
):
    accepted = ProposalFactory(edition=edition, state="in_review")
    revised = ProposalFactory(edition=edition, state="submitted")
    services.proposal_decide(proposal=accepted, outcome="accept", actor=people.organizer)
    services.proposal_decide(
        proposal=revised, outcome="revise", reason="Bổ sung số liệu", actor=people.organizer
    )
    # Changing one's mind before publishing keeps one decision.
    services.proposal_decide(proposal=accepted, outcome="accept", actor=people.organizer)
    assert Decision.objects.count() == 2
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        published = services.decisions_publish(edition=edition, actor=people.organizer)
    assert sorted(p.pk for p in published) == sorted([accepted.pk, revised.pk])
    accepted.refresh_from_db()
    revised.refresh_from_db()
    assert (accepted.state, revised.state) == (S.ACCEPTED, S.NEEDS_REVISION)
    assert len(mailoutbox) == 2
    assert "Bổ sung số liệu" in next(m.body for m in mailoutbox if revised.title in m.subject)
    # Publishing again sends nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.decisions_publish(edition=edition, actor=people.organizer) == []
    assert len(mailoutbox) == 2
    # The department revises and submits again, even after the deadline.
    edition.proposal_window.closes_at = timezone.now() - datetime.timedelta(hours=1)
    edition.proposal_window.opens_at = None
    edition.proposal_window.save()
    services.proposal_submit(proposal=revised, actor=people.liaison)
    revised.refresh_from_db()
    assert revised.state == S.SUBMITTED


def test_forward_and_answer_record_the_response_and_tell_the_department(
    edition, people, django_capture_on_commit_callbacks, mailoutbox
):
    proposal = ProposalFactory(edition=edition, state="accepted")
    services.proposal_forward(proposal=proposal, actor=people.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        services.response_record(
            proposal=proposal,
            status="partly",
            date=datetime.date(2026, 3, 2),
            number="123/BCT-CTĐP",
            issued_by="Bộ Công Thương",
            text="Bộ đang nghiên cứu.",
            upload=upload("tra-loi.pdf", pdf_bytes()),
            actor=people.organizer,
        )
    proposal.refresh_from_db()
    assert proposal.state == S.PARTLY_ANSWERED
    assert [m.subject for m in mailoutbox] == [
        prefixed(edition, f"Đã ghi nhận trả lời cho kiến nghị “{proposal.title}” của Quý Sở")
    ]
    services.response_record(
        proposal=proposal,
        status="answered",
        date=datetime.date(2026, 5, 2),
        issued_by="Bộ Công Thương",
        text="Đã ban hành.",
        actor=people.organizer,
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.responses.count()) == (S.ANSWERED, 2)
    assert Attachment.objects.get().is_response is True


def test_response_record_is_refused_for_a_proposal_not_accepted(edition, people):
    proposal = ProposalFactory(edition=edition, state="rejected")
    with pytest.raises(ValidationError) as error:
        services.response_record(
            proposal=proposal,
            status="answered",
            date=datetime.date(2026, 3, 2),
            issued_by="Bộ Công Thương",
            text="…",
            actor=people.organizer,
        )
    assert error.value.code == "not_open"


def test_carry_over_lists_open_proposals_in_the_next_edition_once(edition, people):
    waiting = ProposalFactory(edition=edition, state="forwarded")
    accepted = ProposalFactory(edition=edition, state="accepted")
    ProposalFactory(edition=edition, state="answered")
    ProposalFactory(edition=edition, state="rejected")
    following = EditionFactory(number=edition.number + 1)
    carried = services.proposals_carry_over(
        source=edition, target=following, actor=people.organizer
    )
    assert sorted((p.carried_over_from_id, p.state) for p in carried) == sorted(
        [(waiting.pk, S.FORWARDED), (accepted.pk, S.ACCEPTED)]
    )
    waiting.refresh_from_db()
    assert waiting.state == S.CARRIED_OVER
    assert (
        services.proposals_carry_over(source=edition, target=following, actor=people.organizer)
        == []
    )
    assert Proposal.objects.filter(edition=following).count() == 2
    assert services.proposal_history(carried[0])[1].edition == edition


def test_carry_over_refuses_an_earlier_edition(edition, people):
    with pytest.raises(ValidationError):
        services.proposals_carry_over(source=edition, target=edition, actor=people.organizer)


def test_attachment_add_stores_under_a_random_name_and_refuses_renamed_files(
    edition, people, settings
):
    proposal = ProposalFactory(edition=edition)
    content = office_bytes("docx")
    attachment = services.attachment_add(
        proposal=proposal, upload=upload("Tham luận.docx", content), actor=None
    )
    assert (attachment.kind, attachment.original_name) == ("docx", "Tham luận.docx")
    assert "Tham" not in attachment.file.name and attachment.file.name.endswith(".docx")
    stored = settings.PROPOSALS_FILES_DIR / attachment.file.name
    assert stored.read_bytes() == content
    with pytest.raises(ValidationError):
        services.attachment_add(
            proposal=proposal, upload=upload("x.pdf", b"<html></html>"), actor=None
        )
    assert Attachment.objects.count() == 1


def test_attachment_add_is_refused_once_review_started(edition):
    proposal = ProposalFactory(edition=edition, state="in_review")
    with pytest.raises(ValidationError) as error:
        services.attachment_add(proposal=proposal, upload=upload("a.pdf", pdf_bytes()), actor=None)
    assert error.value.code == "not_editable"


def test_deadline_reminders_go_once_per_liaison_per_deadline(
    edition, people, django_capture_on_commit_callbacks, mailoutbox
):
    window = edition.proposal_window
    window.closes_at = timezone.now() + datetime.timedelta(days=2)
    window.save()
    ProposalFactory(edition=edition)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.proposal_deadline_reminders_send() == 2
        services.proposal_deadline_reminders_send()
    assert sorted(m.to[0] for m in mailoutbox) == ["lien_hn@example.vn", "lien_qn@example.vn"]
    assert Notification.objects.filter(kind="proposal_deadline_reminder").count() == 2
