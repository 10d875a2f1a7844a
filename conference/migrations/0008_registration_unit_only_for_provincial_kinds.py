# Only delegates of a provincial Department of Industry and Trade or another provincial agency
# belong to a province's delegation (and count against its quota). Registrations of other kinds
# that named a province lose it before the constraint is added.

from django.db import migrations, models

PROVINCIAL_KINDS = ["doit", "provincial_agency"]


def clear_units_of_other_kinds(apps, schema_editor):
    Registration = apps.get_model("conference", "Registration")
    Registration.objects.exclude(organisation_kind__in=PROVINCIAL_KINDS).exclude(
        unit__isnull=True
    ).update(unit=None)


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0007_text_sort_keys"),
    ]

    operations = [
        migrations.RunPython(clear_units_of_other_kinds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(unit__isnull=True)
                | models.Q(organisation_kind__in=PROVINCIAL_KINDS),
                name="registration_unit_only_for_provincial_kinds",
                violation_error_message=(
                    "Only delegates of a provincial department or agency belong to a province's "
                    "delegation."
                ),
            ),
        ),
    ]
