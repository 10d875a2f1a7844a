"""Sample proposals for the sample edition (``manage.py demo_data`` calls this): a proposal
window, two more sample reviewers and proposals in every state reachable within one edition
(draft to answered), made through the services so that their history, reviews and emails are
those a real run makes. Run again, it adds nothing (the sample edition already has them)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conference.models import Edition, User
from proposals import services
from proposals.models import PolicyArea, Proposal, ProposalWindow
from provinces.models import Department, DepartmentMember, ProvincialUnit

DEMO_NUMBER = 12
SAMPLE = " (dữ liệu mẫu)"

# code of the unit, area, kind, title, target state, (score, recommendation) per reviewer
PROPOSALS = [
    ("01", "logistics", "proposal", "Xây dựng trung tâm logistics cấp vùng", "draft"),
    (
        "01",
        "e-commerce",
        "proposal",
        "Hỗ trợ hộ kinh doanh lên sàn thương mại điện tử",
        "submitted",
    ),
    ("22", "energy", "proposal", "Cơ chế mua bán điện mặt trời mái nhà dư thừa", "in_review"),
    (
        "31",
        "industrial-clusters",
        "proposal",
        "Hướng dẫn đầu tư hạ tầng cụm công nghiệp",
        "in_review",
    ),
    ("38", "industry", "paper", "Phát triển công nghiệp hỗ trợ ngành dệt may", "decided"),
    ("01", "digital-transformation", "paper", "Chuyển đổi số trong quản lý chợ", "accepted"),
    ("40", "trade", "proposal", "Xúc tiến thương mại nông sản vùng Bắc Trung Bộ", "needs_revision"),
    ("25", "other", "proposal", "Tăng kinh phí tổ chức hội chợ", "rejected"),
    ("15", "digital-transformation", "proposal", "Số hóa hồ sơ quản lý chợ", "merged"),
    ("24", "industrial-clusters", "proposal", "Hướng dẫn đầu tư cụm công nghiệp", "duplicate"),
    ("33", "trade", "proposal", "Quản lý thị trường hàng giả trên mạng", "withdrawn"),
    ("37", "energy", "proposal", "Tiết kiệm năng lượng trong chiếu sáng công cộng", "forwarded"),
    (
        "19",
        "state-management",
        "proposal",
        "Phân cấp quản lý vật liệu nổ công nghiệp",
        "partly_answered",
    ),
    ("20", "trade", "proposal", "Phát triển kinh tế cửa khẩu Lạng Sơn", "answered"),
]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _reviewer(username: str, full_name: str, unit_code: str | None) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "email": f"{username}@demo.example.com"},
    )
    if _created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name="reviewer"))
    if unit_code:
        DepartmentMember.objects.get_or_create(
            user=user,
            defaults={
                "department": _department(unit_code),
                "position": "Chuyên viên" + SAMPLE,
                "is_liaison": False,
            },
        )
    return user


def _department(code: str) -> Department:
    return Department.objects.get(unit=ProvincialUnit.objects.current().get(code=code))


class Command(BaseCommand):
    help = "Sample proposals, reviewers and reviews for the sample edition. Safe to run again."

    def handle(self, *args, **options) -> None:
        edition = Edition.objects.filter(number=DEMO_NUMBER, is_demo=True).first()
        if edition is None:
            return
        with transaction.atomic():
            self._window(edition)
            if Proposal.objects.filter(edition=edition).exists():
                self.stdout.write(self.style.SUCCESS(_("Sample proposals: already there.")))
                return
            self._proposals(edition)
        self.stdout.write(
            self.style.SUCCESS(
                _("Sample proposals created: %(count)s, in every state from draft to answered.")
                % {"count": len(PROPOSALS)}
            )
        )

    def _window(self, edition: Edition) -> None:
        tz = timezone.get_current_timezone()
        deadline = timezone.localdate() + datetime.timedelta(days=21)
        ProposalWindow.objects.update_or_create(
            edition=edition,
            defaults={
                "opens_at": timezone.now() - datetime.timedelta(days=30),
                # midnight: "until the end of" the day before
                "closes_at": datetime.datetime.combine(deadline, datetime.time.min, tzinfo=tz),
            },
        )

    def _proposals(self, edition: Edition) -> None:
        organizer = User.objects.filter(username="organizer").first()
        liaison = User.objects.filter(username="liaison").first()
        main_reviewer = User.objects.get(username="reviewer")
        reviewers = [
            main_reviewer,
            _reviewer("reviewer_qn", "Phạm Thị Thẩm" + SAMPLE, "22"),
            _reviewer("reviewer_nb", "Đỗ Văn Định" + SAMPLE, "37"),
        ]
        made: dict[str, Proposal] = {}
        for code, area, kind, title, target in PROPOSALS:
            department = _department(code)
            proposal = services.proposal_create(
                edition=edition,
                department=department,
                data={
                    "kind": kind,
                    "title": title + SAMPLE,
                    "area": PolicyArea.objects.get(code=area),
                    "addressed_to": "ministry",
                    "summary": f"{title}: tóm tắt của kiến nghị mẫu, để xem thử quy trình.",
                    "full_text": "Toàn văn kiến nghị mẫu." + SAMPLE,
                    "legal_references": "Luật Thương mại 2005\nNghị định 32/2024/NĐ-CP",
                    "presenter_name": "Người trình bày" + SAMPLE,
                    "presenter_title": "Giám đốc Sở",
                },
                actor=liaison if code == "01" else None,
            )
            made[target] = proposal  # of the two in review, the Hải Phòng one (the last)
            if code == "01" and target == "accepted":
                services.attachment_add(
                    proposal=proposal,
                    upload=SimpleUploadedFile("tham-luan-mau.pdf", PDF),
                    actor=liaison,
                )
            if target == "draft":
                continue
            services.proposal_submit(proposal=proposal, actor=liaison if code == "01" else None)
            if target in ("submitted", "withdrawn"):
                continue
            services.reviewers_assign(
                proposals=[proposal], reviewers=reviewers, actor=organizer, strict=False
            )
            if target == "in_review" and code == "22":
                continue  # assigned, nobody has reviewed yet
            for index, reviewer in enumerate(reviewers):
                if not proposal.assignments.filter(reviewer=reviewer).exists():
                    continue
                accepted = target not in ("rejected", "needs_revision")
                services.review_save(
                    proposal=proposal,
                    reviewer=reviewer,
                    score=(4 + index % 2) if accepted else (2 + index % 2),
                    recommendation="accept" if accepted else "revise",
                    comments="Nhận xét mẫu của người thẩm định." + SAMPLE,
                )
        decisions = {
            "accepted": ("accept", "", None),
            "needs_revision": ("revise", "Đề nghị bổ sung số liệu về sản lượng." + SAMPLE, None),
            "rejected": ("reject", "Không thuộc thẩm quyền của Bộ Công Thương." + SAMPLE, None),
            "merged": ("merge", "", made["accepted"]),
            # the duplicate repeats the Hải Phòng proposal still in review
            "duplicate": ("duplicate", "", made["in_review"]),
            "forwarded": ("accept", "", None),
            "partly_answered": ("accept", "", None),
            "answered": ("accept", "", None),
        }
        for target, (outcome, reason, related) in decisions.items():
            services.proposal_decide(
                proposal=made[target],
                outcome=outcome,
                reason=reason,
                related_proposal=related,
                actor=organizer,
            )
        services.decisions_publish(edition=edition, actor=organizer)
        services.proposal_decide(proposal=made["decided"], outcome="accept", actor=organizer)
        services.proposal_withdraw(
            proposal=made["withdrawn"], actor=None, reason="Sở đã tự giải quyết." + SAMPLE
        )
        for target in ("forwarded", "partly_answered", "answered"):
            services.proposal_forward(proposal=made[target], actor=organizer)
        today = timezone.localdate()
        services.response_record(
            proposal=made["partly_answered"],
            status="partly",
            date=today - datetime.timedelta(days=3),
            number="1234/BCT-CTĐP" + SAMPLE,
            issued_by="Bộ Công Thương",
            text="Bộ đang phối hợp với các bộ, ngành nghiên cứu." + SAMPLE,
            actor=organizer,
        )
        services.response_record(
            proposal=made["answered"],
            status="answered",
            date=today - datetime.timedelta(days=1),
            number="1235/BCT-CTĐP" + SAMPLE,
            issued_by="Bộ Công Thương",
            text="Bộ đã ban hành hướng dẫn." + SAMPLE,
            upload=SimpleUploadedFile("tra-loi-mau.pdf", PDF),
            actor=organizer,
        )
