"""The real history: the three proposals presented at the X edition (17/05/2024, Hà Nội), from
the source article (Chinhphu.vn, 17/05/2024), and the legal documents issued later on their
subjects. Accepted by the conference; whether the Ministry answered them as conference proposals
is not documented, so no answer is recorded, and the later documents are linked as related
documents, not as the answer. Nothing else is recorded (no reviews, no decisions by name)."""

import datetime
import zoneinfo

from django.db import migrations

from conference.vietnamese import fold, sort_key

SOURCE = "Nguồn: Chinhphu.vn, 17/05/2024."
DAY = datetime.datetime(2024, 5, 17, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))

PROPOSALS = [
    {
        "code": "22",
        "kind": "proposal",
        "area": "energy",
        "addressed_to": "ministry",
        "title": "Sớm ban hành cơ chế, chính sách phát triển điện mặt trời mái nhà",
        "summary": (
            "Chia sẻ về các hoạt động tiết kiệm điện năng ở tỉnh Quảng Ninh; đề xuất sớm ban "
            "hành cơ chế, chính sách phát triển điện mặt trời, tạo điều kiện thuận lợi cho việc "
            "xây dựng, phát triển hệ thống điện mặt trời mái nhà tại các địa phương."
        ),
        "full_text": (
            "Bà Nguyễn Thị Hiền, Giám đốc Sở Công Thương tỉnh Quảng Ninh chia sẻ về các hoạt "
            "động tiết kiệm điện năng thời gian qua ở tỉnh Quảng Ninh góp phần vào việc tiết kiệm "
            "điện của toàn quốc. Để tăng cường các hoạt động bảo đảm an toàn lưới điện trong tình "
            "trạng nắng nóng kéo dài trong năm 2024, Sở Công Thương Quảng Ninh đề xuất các giải "
            "pháp như sớm ban hành cơ chế, chính sách phát triển điện mặt trời tạo điều kiện "
            "thuận lợi cho việc xây dựng phát triển hệ thống điện mặt trời mái nhà tại các địa "
            "phương.\n\n" + SOURCE
        ),
        "legal_references": "",
        "presenter_name": "Nguyễn Thị Hiền",
        "presenter_title": "Giám đốc Sở Công Thương tỉnh Quảng Ninh",
        "related": [
            (
                "135/2024/NĐ-CP",
                datetime.date(2024, 10, 22),
                "Nghị định quy định cơ chế khuyến khích phát triển điện mặt trời mái nhà tự "
                "sản xuất, tự tiêu thụ",
                "Decree on incentives for self-produced, self-consumed rooftop solar power",
            )
        ],
    },
    {
        "code": "31",
        "kind": "proposal",
        "area": "industrial-clusters",
        "addressed_to": "ministry",
        "title": (
            "Trình ban hành Luật Công nghiệp trọng điểm, Luật Công nghiệp hỗ trợ và Thông tư "
            "hướng dẫn Nghị định số 32/2024/NĐ-CP về quản lý, phát triển cụm công nghiệp"
        ),
        "summary": (
            "Đề nghị Bộ Công Thương sớm trình Chính phủ xem xét, ban hành Luật Công nghiệp trọng "
            "điểm, Luật Công nghiệp hỗ trợ và ban hành Thông tư hướng dẫn Nghị định số "
            "32/2024/NĐ-CP ngày 15/3/2024 của Chính phủ về quản lý, phát triển cụm công nghiệp."
        ),
        "full_text": (
            "Giám đốc Sở Công Thương Hải Phòng Nguyễn Văn Thành đề nghị, Bộ Công Thương sớm trình "
            "Chính phủ xem xét, ban hành Luật Công nghiệp trọng điểm, Luật Công nghiệp hỗ trợ và "
            "ban hành Thông tư hướng dẫn Nghị định số 32/2024/NĐ-CP ngày 15/3/2024 của Chính phủ "
            "về quản lý, phát triển cụm công nghiệp.\n\n" + SOURCE
        ),
        "legal_references": (
            "Nghị định số 32/2024/NĐ-CP ngày 15/3/2024 của Chính phủ về quản lý, phát triển cụm "
            "công nghiệp"
        ),
        "presenter_name": "Nguyễn Văn Thành",
        "presenter_title": "Giám đốc Sở Công Thương thành phố Hải Phòng",
        "related": [
            (
                "14/2024/TT-BCT",
                datetime.date(2024, 8, 15),
                "Thông tư quy định chi tiết một số điều của Nghị định số 32/2024/NĐ-CP ngày "
                "15/3/2024 của Chính phủ về quản lý, phát triển cụm công nghiệp",
                "Circular detailing Decree 32/2024/NĐ-CP on the management and development of "
                "industrial clusters",
            )
        ],
    },
    {
        "code": "01",
        "kind": "paper",
        "area": "state-management",
        "addressed_to": "provinces",
        "title": (
            "Phối hợp giữa các địa phương trong triển khai quy hoạch, phát triển hạ tầng thương "
            "mại, công nghiệp, logistics và liên kết thị trường"
        ),
        "summary": (
            "Tập trung triển khai các quy hoạch quốc gia đã được phê duyệt; các địa phương phối "
            "hợp chặt chẽ trong xây dựng và triển khai quy hoạch vùng, tỉnh, nhất là các tỉnh có "
            "địa bàn giáp ranh; cơ chế chính sách đồng bộ trong phát triển hạ tầng thương mại, "
            "công nghiệp, kết nối logistics; phối hợp về thị trường tiêu thụ, xuất khẩu qua cửa "
            "khẩu, thương mại điện tử và chuyển đổi số."
        ),
        "full_text": (
            "Chia sẻ một số giải pháp để hoàn thành và hoàn thành vượt mức các chỉ tiêu chính "
            "được Chính phủ giao cho ngành Công Thương trong các tháng còn lại năm 2024 và các "
            "năm tiếp theo, Quyền Giám đốc Sở Công Thương Hà Nội Trần Thị Phương Lan cho rằng, "
            "cần tập trung triển khai các quy hoạch quốc gia đã được phê duyệt; các địa phương "
            "phối hợp chặt chẽ trong xây dựng và triển khai quy hoạch vùng tỉnh, phát huy lợi thế "
            "của từng địa phương gắn kết sự phát triển đồng đều, nhất là các tỉnh có địa bàn "
            "giáp ranh, cần có cơ chế chính sách đồng bộ trong phát triển các hạ tầng thương mại, "
            "công nghiệp, kết nối logistics...\n\n" + SOURCE
        ),
        "legal_references": "",
        "presenter_name": "Trần Thị Phương Lan",
        "presenter_title": "Quyền Giám đốc Sở Công Thương thành phố Hà Nội",
        "related": [],
    },
]

FIELDS = (
    "kind",
    "addressed_to",
    "title",
    "summary",
    "full_text",
    "legal_references",
    "presenter_name",
    "presenter_title",
)


def _unit_then(ProvincialUnit, code):
    """The unit of that code valid on the day of the edition (Hải Phòng before its merger)."""
    day = DAY.date()
    for unit in ProvincialUnit.objects.filter(code=code):
        if (unit.valid_from is None or unit.valid_from <= day) and (
            unit.valid_until is None or unit.valid_until >= day
        ):
            return unit
    raise LookupError(f"No unit {code} on {day}")


def load(apps, schema_editor):
    Edition = apps.get_model("conference", "Edition")
    ProvincialUnit = apps.get_model("provinces", "ProvincialUnit")
    Department = apps.get_model("provinces", "Department")
    PolicyArea = apps.get_model("proposals", "PolicyArea")
    Proposal = apps.get_model("proposals", "Proposal")
    RelatedDocument = apps.get_model("proposals", "RelatedDocument")
    edition = Edition.objects.filter(number=10).first()
    if edition is None:
        return
    for item in PROPOSALS:
        unit = _unit_then(ProvincialUnit, item["code"])
        department = Department.objects.get(unit=unit)
        values = {name: item[name] for name in FIELDS}
        proposal, _created = Proposal.objects.update_or_create(
            edition=edition,
            department=department,
            presenter_name=item["presenter_name"],
            defaults={
                **values,
                "unit": unit,
                "area": PolicyArea.objects.get(code=item["area"]),
                "state": "accepted",
                "submitted_at": DAY,
                # the model's save() is not available in migrations: the search fields by hand
                "sort_key": sort_key(item["title"]),
                "search_text": " ".join(
                    fold(part)
                    for part in (
                        item["title"],
                        item["summary"],
                        item["legal_references"],
                        item["presenter_name"],
                        unit.name,
                    )
                    if part
                ),
            },
        )
        for number, date, title, title_en in item["related"]:
            RelatedDocument.objects.update_or_create(
                proposal=proposal,
                number=number,
                defaults={"date": date, "title": title, "title_en": title_en},
            )


def unload(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    Proposal.objects.filter(
        edition__number=10, presenter_name__in=[p["presenter_name"] for p in PROPOSALS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_policy_areas"),
        ("conference", "0003_load_history"),
        ("provinces", "0002_load_units"),
    ]
    operations = [migrations.RunPython(load, unload)]
