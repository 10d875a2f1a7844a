"""The lists of registrations read in index order (a delegation by state then name, the
organizers' list of one province by name), and each registration's flag that the badge would cut
its name short, filled here for the registrations already stored (the badge index used to measure
every name of the edition after each change)."""

from django.db import migrations, models

from conference.badge_names import name_is_cut


def flag_names_cut(apps, schema_editor):
    Registration = apps.get_model("conference", "Registration")
    names = Registration.objects.order_by().values_list("id", "full_name").iterator(chunk_size=5000)
    cut = [pk for pk, full_name in names if name_is_cut(full_name)]
    for start in range(0, len(cut), 1000):
        Registration.objects.filter(pk__in=cut[start : start + 1000]).update(badge_name_cut=True)


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0024_notification_context"),
        ("provinces", "0005_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="badge_name_cut",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="name too long for the badge"
            ),
        ),
        migrations.RunPython(flag_names_cut, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                models.F("edition"),
                models.F("unit"),
                models.Case(
                    models.When(status="pending", then=models.Value(0)),
                    models.When(status="confirmed", then=models.Value(1)),
                    models.When(status="checked_in", then=models.Value(2)),
                    models.When(status="waitlisted", then=models.Value(3)),
                    models.When(status="declined", then=models.Value(4)),
                    models.When(status="cancelled", then=models.Value(5)),
                    output_field=models.IntegerField(),
                ),
                models.Case(
                    models.When(status="waitlisted", then=models.F("waitlisted_at")),
                    output_field=models.DateTimeField(),
                ),
                models.F("sort_key"),
                models.F("id"),
                name="registration_delegation_order",
            ),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                fields=["edition", "unit", "sort_key", "id"], name="registration_unit_sorted"
            ),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                condition=models.Q(("badge_name_cut", True)),
                fields=["edition", "sort_key"],
                name="registration_badge_name_cut",
            ),
        ),
    ]
