"""Correct edition XI: its sources named only the X edition's article, and its summary wrote
01/7/2025. Databases loaded before this fix get the text that 0003 now loads."""

from importlib import import_module

from django.db import migrations

history = import_module("conference.migrations.0003_load_history")


def correct(apps, schema_editor):
    Edition = apps.get_model("conference", "Edition")
    summary, summary_en = history.SUMMARIES[11]
    Edition.objects.filter(number=11, is_demo=False).update(
        sources=history.SOURCE_XI, summary=summary, summary_en=summary_en
    )


class Migration(migrations.Migration):
    dependencies = [("conference", "0010_notification_language_choices")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
