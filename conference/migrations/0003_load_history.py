"""The documented history of the conference, editions IV–XI (see shared/domain.md and the
Chinhphu.vn article of 17 May 2024). Only what is known; unknown facts stay empty. Idempotent."""

import datetime

from django.db import migrations
from django.db.models import Q

LAST_DAY_BEFORE = datetime.date(2025, 6, 30)
REORGANISED = datetime.date(2025, 7, 1)

SOURCE_IX = (
    "TTXVN (baotintuc.vn), 28/07/2023: «Hợp tác phát triển ngành Công Thương các tỉnh, thành phố "
    "phía Bắc» — hội nghị tại Hạ Long; «Trao cờ đăng cai tổ chức hội nghị ngành công thương lần "
    "thứ X, năm 2024, cho thành phố Hà Nội»."
)
SOURCE_X = (
    "Chinhphu.vn, 17/05/2024: «Liên kết phát triển ngành Công Thương các địa phương» (Thùy Linh).\n"
    "Phát biểu khai mạc và các ý kiến khác: en.vcci.com.vn, 21/05/2024.\n"
    "Hà Nội nhận cờ đăng cai tại Hội nghị lần thứ IX: TTXVN (baotintuc.vn), 28/07/2023."
)
SOURCE_XI = (
    "Trao cờ đăng cai cho Sở Công Thương Hà Giang: Chinhphu.vn, 17/05/2024 (Hội nghị lần thứ X). "
    "Chủ trì và số liệu 9 tháng năm 2025: báo chí đưa tin về hội nghị ngày 17/10/2025 (nhandan.vn, "
    "baomoi.com, vietnam.vn)."
)
SOURCES = {9: SOURCE_IX, 10: SOURCE_X, 11: SOURCE_XI}
# Where only the city is known (the building is not).
VENUES = {9: "TP. Hạ Long, tỉnh Quảng Ninh"}

EDITIONS = [
    # number, year, date, host code (units before 1/7/2025), chairs
    (4, 2017, datetime.date(2017, 10, 6), "25", [("Trần Quốc Khánh", "deputy_minister", None)]),
    (5, 2018, datetime.date(2018, 8, 2), "40", [("Đặng Hoàng An", "deputy_minister", None)]),
    (6, 2019, datetime.date(2019, 5, 24), "31", [("Đặng Hoàng An", "deputy_minister", None)]),
    (8, 2022, datetime.date(2022, 9, 23), "38", [("Đặng Hoàng An", "deputy_minister", None)]),
    (9, 2023, datetime.date(2023, 7, 28), "22", [("Phan Thị Thắng", "deputy_minister", None)]),
    (
        10,
        2024,
        datetime.date(2024, 5, 17),
        "01",
        [
            ("Nguyễn Sinh Nhật Tân", "deputy_minister", None),
            ("Lê Hồng Sơn", "pc_standing_vice", "01"),
        ],
    ),
    (
        11,
        2025,
        datetime.date(2025, 10, 17),
        "02",
        [
            ("Nguyễn Hồng Diên", "minister", None),
            ("Phan Huy Ngọc", "pc_chairman", "08"),  # Tuyên Quang as it is from 1/7/2025
            ("Bùi Huy Sơn", "moit_department_director", None),
        ],
    ),
]

SUMMARIES = {
    9: (
        "Dự hội nghị có Thứ trưởng Bộ Công Thương Phan Thị Thắng, Quyền Chủ tịch UBND tỉnh "
        "Quảng Ninh Cao Tường Huy, Cục trưởng Cục Công Thương địa phương Ngô Quang Trung và "
        "Giám đốc Sở Công Thương Quảng Ninh Nguyễn Thị Hiền. Năm 2022, 23/28 địa phương có "
        "chỉ số sản xuất công nghiệp tăng cao hơn mức bình quân cả nước (7,4%); tổng mức bán "
        "lẻ hàng hóa và doanh thu dịch vụ tiêu dùng năm 2022 đạt 1.954 nghìn tỷ đồng (tăng "
        "19,4% so với năm 2021), 6 tháng đầu năm 2023 đạt 1.300 nghìn tỷ đồng (tăng 28,8%); 6"
        " tháng đầu năm 2023, sản xuất công nghiệp của 16/28 địa phương phục hồi trên 100% so"
        " với cùng kỳ năm 2022.",
        "Attended by Deputy Minister of Industry and Trade Phan Thị Thắng, Acting Chairman of"
        " the Quảng Ninh People's Committee Cao Tường Huy, Director of the Agency of Local "
        "Industry and Trade Ngô Quang Trung and Director of the Quảng Ninh Department of "
        "Industry and Trade Nguyễn Thị Hiền. In 2022, 23 of the 28 units had industrial "
        "production growth above the national average of 7.4%; retail sales of goods and "
        "consumer services reached 1,954 trillion đồng in 2022 (+19.4% on 2021) and 1,300 "
        "trillion đồng in the first 6 months of 2023 (+28.8%); in the first 6 months of 2023,"
        " industrial production in 16 of the 28 units recovered above 100% of the same period"
        " of 2022.",
    ),
    10: (
        "6 tháng đầu năm 2024 (cách viết của nguồn; hội nghị họp ngày 17/5 nên đây là số ước "
        "tính): 25/28 địa phương có chỉ số sản xuất công nghiệp (IIP) tăng trưởng dương so "
        "với cùng kỳ, 11/28 địa phương tăng từ 10% trở lên; tổng mức bán lẻ hàng hóa và doanh"
        " thu dịch vụ ước đạt 1.404 nghìn tỷ đồng, tăng 12,3%; tổng kim ngạch xuất khẩu ước "
        "đạt 120,7 tỷ USD, tăng 18,3%; 24/28 địa phương có kim ngạch xuất khẩu tăng trưởng "
        "dương. Dự kiến khoảng 550 đại biểu tham dự.",
        "First 6 months of 2024 (the source's wording; the conference met on 17 May, so these"
        " are estimates): 25 of the 28 units had positive growth of the index of industrial "
        "production (IIP), 11 of them 10% or more; retail sales of goods and services were "
        "estimated at 1,404 trillion đồng (+12.3%); exports at 120.7 billion USD (+18.3%), "
        "with 24 of the 28 units growing their exports. About 550 delegates were planned.",
    ),
    11: (
        "Tỉnh Hà Giang nhận cờ đăng cai tại Hội nghị lần thứ X; từ ngày 01/07/2025 Hà Giang "
        "thuộc tỉnh Tuyên Quang, nơi hội nghị được tổ chức. Đồng chủ trì: Bộ trưởng Bộ Công "
        "Thương Nguyễn Hồng Diên, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Tuyên Quang Phan Huy"
        " Ngọc và Vụ trưởng Vụ Kế hoạch, Tài chính và Quản lý doanh nghiệp Bùi Huy Sơn. 9 "
        "tháng năm 2025 của khu vực: điện thương phẩm 17.115 triệu kWh (tăng 3,6%), điện sản "
        "xuất 62.998 triệu kWh (tăng 87,9%), chè 83.093 tấn (tăng 41,9%), xi măng 11,97 triệu"
        " tấn (tăng 20,7%); 613 cụm công nghiệp đã được thành lập với diện tích trên 24 nghìn"
        " ha.",
        "Hà Giang was handed the host flag at the X edition; from 1 July 2025 Hà Giang is "
        "part of Tuyên Quang province, where the conference was held. Co-chaired by Minister "
        "of Industry and Trade Nguyễn Hồng Diên, Deputy Secretary of the provincial Party "
        "Committee and Chairman of the Tuyên Quang People's Committee Phan Huy Ngọc, and Bùi "
        "Huy Sơn, Director General of the Ministry's Department of Planning, Finance and "
        "Enterprise Management. First 9 months of 2025 in the region: commercial electricity "
        "17,115 million kWh (+3.6%), electricity produced 62,998 million kWh (+87.9%), tea "
        "83,093 tonnes (+41.9%), cement 11.97 million tonnes (+20.7%); 613 industrial "
        "clusters established, over 24 thousand ha.",
    ),
}

# No official programme of X was published: these are the contributions the press reported
# (Chinhphu.vn 17/05/2024, en.vcci.com.vn 21/05/2024), in no known order beyond the opening.
AGENDA_X = [
    # kind, title (vi), title (en), speaker, position, unit code (before 1/7/2025)
    (
        "opening",
        "Phát biểu khai mạc",
        "Opening speech",
        "Nguyễn Sinh Nhật Tân",
        "deputy_minister",
        None,
    ),
    (
        "report",
        "Báo cáo tình hình phát triển ngành Công Thương 28 tỉnh, thành phố khu vực phía Bắc "
        "6 tháng đầu năm 2024 (số ước tính)",
        "Report on the Industry and Trade sector of the 28 northern provinces and cities in the "
        "first 6 months of 2024 (estimates)",
        "",
        "",
        None,
    ),
    (
        "paper",
        "Tiết kiệm điện năng; đề xuất sớm ban hành cơ chế, chính sách phát triển điện mặt trời "
        "mái nhà",
        "Energy saving; a proposal to issue the mechanism and policy for rooftop solar power soon",
        "Nguyễn Thị Hiền",
        "doit_director",
        "22",
    ),
    (
        "paper",
        "Đề nghị sớm trình ban hành Luật Công nghiệp trọng điểm, Luật Công nghiệp hỗ trợ và Thông "
        "tư hướng dẫn Nghị định số 32/2024/NĐ-CP ngày 15/3/2024 về quản lý, phát triển cụm công "
        "nghiệp",
        "Request to submit the Law on Key Industries and the Law on Supporting Industries, and to "
        "issue the Circular guiding Decree 32/2024/NĐ-CP of 15/3/2024 on industrial clusters",
        "Nguyễn Văn Thành",
        "doit_director",
        "31",
    ),
    (
        "paper",
        "Giải pháp hoàn thành các chỉ tiêu của ngành: triển khai quy hoạch, liên kết vùng, hạ tầng "
        "thương mại, logistics, thương mại điện tử và chuyển đổi số",
        "Meeting the sector's targets: implementing the plans, regional coordination, commercial "
        "infrastructure, logistics, e-commerce and digital transformation",
        "Trần Thị Phương Lan",
        "doit_acting_director",
        "01",
    ),
    ("speech", "Ý kiến phát biểu", "Intervention", "Quách Tất Liêm", "pc_vice", "17"),
    ("speech", "Ý kiến phát biểu", "Intervention", "Ngô Quang Trung", "agency_director", None),
    ("speech", "Ý kiến phát biểu", "Intervention", "Phạm Văn Hóa", "doit_director", "40"),
    (
        "handover",
        "Lãnh đạo Bộ Công Thương trao cờ đăng cai Hội nghị lần thứ XI, năm 2025 cho Sở Công "
        "Thương Hà Giang",
        "The Ministry's leadership hands the host flag of the XI edition (2025) to the Hà Giang "
        "Department of Industry and Trade",
        "",
        "",
        None,
    ),
]

ORGANISERS_X = (
    "Sở Công Thương Hà Nội phối hợp với Cục Công Thương địa phương tổ chức, được sự đồng ý của "
    "Bộ Công Thương và UBND TP. Hà Nội.",
    "The Hà Nội Department of Industry and Trade with the Agency of Local Industry and Trade, "
    "with the consent of the Ministry of Industry and Trade and the Hà Nội People's Committee.",
)


def load(apps, schema_editor):
    Unit = apps.get_model("provinces", "ProvincialUnit")
    Edition = apps.get_model("conference", "Edition")
    Chair = apps.get_model("conference", "Chair")
    AgendaItem = apps.get_model("conference", "AgendaItem")
    Participant = apps.get_model("conference", "EditionParticipant")

    def valid_on(day):
        # The ten units the 2025 reorganisation left unchanged are valid on both days.
        return {
            u.code: u
            for u in Unit.objects.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            )
        }

    before = valid_on(LAST_DAY_BEFORE)
    after = valid_on(REORGANISED)

    editions = {}
    for number, year, date, host_code, chairs in EDITIONS:
        summary, summary_en = SUMMARIES.get(number, ("", ""))
        edition, _ = Edition.objects.update_or_create(
            number=number,
            defaults={
                "year": year,
                "date": date,
                "host": before[host_code],
                "summary": summary,
                "summary_en": summary_en,
            },
        )
        editions[number] = edition
        units = after if number == 11 else before  # XI met after the reorganisation
        for order, (full_name, position, unit_code) in enumerate(chairs, start=1):
            Chair.objects.update_or_create(
                edition=edition,
                order=order,
                defaults={
                    "full_name": full_name,
                    "position": position,
                    "unit": units[unit_code] if unit_code else None,
                },
            )

    x = editions[10]
    x.organisers, x.organisers_en = ORGANISERS_X
    x.planned_delegates = 550
    x.save()
    # The handovers (IX → X, X → XI) are recorded by 0013 in their own table.
    for number, sources in SOURCES.items():
        Edition.objects.filter(pk=editions[number].pk).update(sources=sources)
    for number, venue in VENUES.items():
        Edition.objects.filter(pk=editions[number].pk, venue="").update(venue=venue)
    x.agenda_items.filter(order__gt=len(AGENDA_X)).delete()
    for order, (kind, title, title_en, speaker, position, unit_code) in enumerate(AGENDA_X, 1):
        AgendaItem.objects.update_or_create(
            edition=x,
            order=order,
            defaults={
                "kind": kind,
                "title": title,
                "title_en": title_en,
                "speaker_name": speaker,
                "speaker_position": position,
                "speaker_unit": before[unit_code] if unit_code else None,
            },
        )

    xi = editions[11]
    xi.held_in = after["08"]
    xi.save()

    for number in (9, 10):
        for unit in before.values():
            Participant.objects.get_or_create(edition=editions[number], unit=unit)
    for unit in after.values():
        Participant.objects.get_or_create(edition=xi, unit=unit)


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0002_initial"),
        ("provinces", "0002_load_units"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
