"""Stored emails keep no working self-service link: the token of every manage link in the
bodies already stored becomes the placeholder the outbox fills in at send time."""

from django.db import migrations


def take_tokens_out(apps, schema_editor):
    from conference.signing import token_taken_out

    Notification = apps.get_model("conference", "Notification")
    rows = Notification.objects.filter(body_text__contains="registration/manage/")
    for row in rows.only("pk", "body_text", "body_html").iterator(chunk_size=500):
        row.body_text = token_taken_out(row.body_text)
        row.body_html = token_taken_out(row.body_html)
        row.save(update_fields=["body_text", "body_html"])


class Migration(migrations.Migration):
    dependencies = [("conference", "0012_audit_action_codes_registered_by_apps")]

    operations = [migrations.RunPython(take_tokens_out, migrations.RunPython.noop)]
