"""The host-flag handovers as records, the stored stage of each edition, and the corrections of
the history checked against public sources (see shared/domain.md):

- IX → X (at IX, 28/07/2023, Hạ Long: the flag of X to Hà Nội) is documented by TTXVN
  (baotintuc.vn, 28/07/2023); X → XI (17/05/2024, Hà Nội: the flag of XI to Sở Công Thương Hà
  Giang) by Chinhphu.vn. Neither source names who handed or received it: left empty.
- XI was co-chaired by Minister Nguyễn Hồng Diên, Phan Huy Ngọc and Bùi Huy Sơn (Vụ trưởng);
  IX was held in Hạ Long; IX's 16/28 is industrial production in the first 6 months of 2023;
  X's "6 tháng đầu năm" is an estimate made in May; X published no programme (its agenda lists
  the contributions the press reported); sources for IX, X and XI.

The corrected texts live in 0003 (so a new database loads them at once); this migration loads
them again over a database loaded before. Editions already held are "held", or "closed" when
their handover is recorded; the others follow their dates. Idempotent."""

import datetime
from importlib import import_module

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

history = import_module("conference.migrations.0003_load_history")

BUI_HUY_SON_DEPARTMENT = "Vụ Kế hoạch, Tài chính và Quản lý doanh nghiệp"
HANDOVERS = [
    # at, of, date, place, unit code then, source
    (
        9,
        10,
        datetime.date(2023, 7, 28),
        "Hạ Long, Quảng Ninh",
        "01",
        "TTXVN (baotintuc.vn), 28/07/2023: «Hợp tác phát triển ngành Công Thương các tỉnh, thành "
        "phố phía Bắc» — «Trao cờ đăng cai tổ chức hội nghị ngành công thương lần thứ X, năm 2024, "
        "cho thành phố Hà Nội».",
    ),
    (
        10,
        11,
        datetime.date(2024, 5, 17),
        "Hà Nội",
        "02",
        "Chinhphu.vn, 17/05/2024: «Liên kết phát triển ngành Công Thương các địa phương» — lãnh "
        "đạo Bộ Công Thương trao cờ đăng cai Hội nghị lần thứ XI, năm 2025 cho Sở Công Thương Hà "
        "Giang (bài không nêu tên người trao và người nhận).",
    ),
]


def _department_on(Department, code, day):
    return Department.objects.get(
        Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=day),
        Q(unit__valid_until__isnull=True) | Q(unit__valid_until__gte=day),
        unit__code=code,
    )


def forwards(apps, schema_editor):
    Edition = apps.get_model("conference", "Edition")
    Chair = apps.get_model("conference", "Chair")
    Handover = apps.get_model("conference", "Handover")
    Department = apps.get_model("provinces", "Department")

    history.load(apps, schema_editor)
    real = {e.number: e for e in Edition.objects.filter(is_demo=False)}
    Chair.objects.filter(edition=real[11], full_name="Bùi Huy Sơn").update(
        organisation=BUI_HUY_SON_DEPARTMENT
    )
    Edition.objects.filter(pk=real[10].pk).update(programme_published=False)

    Handover.objects.filter(is_current=True).update(is_current=False)
    for at, of, day, place, code, source in HANDOVERS:
        Handover.objects.update_or_create(
            from_edition=real[at],
            defaults={
                "to_edition": real[of],
                "date": day,
                "place": place,
                "receiving_department": _department_on(Department, code, day),
                "documented": True,
                "source": source,
            },
        )
    latest = Handover.objects.order_by("-date").first()
    Handover.objects.filter(pk=latest.pk).update(is_current=True)

    today = timezone.localdate()
    handed = set(Handover.objects.values_list("from_edition_id", flat=True))
    for edition in Edition.objects.all():
        if edition.date is not None and (edition.end_date or edition.date) < today:
            lifecycle = "closed" if edition.pk in handed else "held"
        elif edition.registration_opens_at is not None:
            lifecycle = "registration_open"
        else:
            lifecycle = "planned"
        Edition.objects.filter(pk=edition.pk).update(lifecycle=lifecycle)


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0014_handover_and_edition_lifecycle"),
        ("provinces", "0003_reorganisations_and_continuing_units"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
