"""The "liaison" group goes: a province liaison is one by their department membership
(provinces.DepartmentMember with is_liaison), which the permissions already read; the group
only duplicated it. Reversing recreates the empty group."""

from django.db import migrations


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="liaison").delete()


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="liaison")


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0013_text_maximum_lengths"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(delete_group, create_group)]
