"""The policy areas of the issue, in Vietnamese and English; editable in the admin afterwards."""

from django.db import migrations

AREAS = [
    (1, "industry", "Công nghiệp", "Industry"),
    (2, "trade", "Thương mại", "Trade"),
    (3, "energy", "Năng lượng", "Energy"),
    (4, "e-commerce", "Thương mại điện tử", "E-commerce"),
    (5, "logistics", "Logistics", "Logistics"),
    (6, "industrial-clusters", "Cụm công nghiệp", "Industrial clusters"),
    (7, "digital-transformation", "Chuyển đổi số", "Digital transformation"),
    (8, "state-management", "Quản lý nhà nước", "State management"),
    (99, "other", "Lĩnh vực khác", "Other"),
]


def load(apps, schema_editor):
    PolicyArea = apps.get_model("proposals", "PolicyArea")
    for order, code, name, name_en in AREAS:
        PolicyArea.objects.update_or_create(
            code=code, defaults={"order": order, "name": name, "name_en": name_en}
        )


def unload(apps, schema_editor):
    apps.get_model("proposals", "PolicyArea").objects.filter(
        code__in=[code for _o, code, _n, _e in AREAS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_proposals")]
    operations = [migrations.RunPython(load, unload)]
