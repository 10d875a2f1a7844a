# Audit entries: the action is a code with a translated label; actors without an account are
# stored as codes (shown translated) instead of English text.

from django.db import migrations, models

ACTOR_CODES = {
    "delegate (self-service link)": "system:delegate",
    "retention job": "system:retention_job",
}


def actor_labels_to_codes(apps, schema_editor):
    AuditEntry = apps.get_model("conference", "AuditEntry")
    for text, code in ACTOR_CODES.items():
        AuditEntry.objects.filter(actor=None, actor_label=text).update(actor_label=code)


def actor_codes_to_labels(apps, schema_editor):
    AuditEntry = apps.get_model("conference", "AuditEntry")
    for text, code in ACTOR_CODES.items():
        AuditEntry.objects.filter(actor=None, actor_label=code).update(actor_label=text)


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0008_registration_unit_only_for_provincial_kinds"),
    ]

    operations = [
        migrations.RunPython(actor_labels_to_codes, actor_codes_to_labels),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("registration.create", "registered"),
                    ("registration.update", "details changed"),
                    ("registration.pending", "moved from the waiting list"),
                    ("registration.confirmed", "confirmed"),
                    ("registration.declined", "declined"),
                    ("registration.cancelled", "cancelled"),
                    ("registration.checked_in", "checked in"),
                    ("registration.erase", "erased with its personal data"),
                    ("registration.export", "registrations exported"),
                    ("notification.retry", "email retried"),
                    ("notification.resend", "email sent again"),
                    ("notification.send_test", "test email sent"),
                ],
                max_length=100,
                verbose_name="action",
            ),
        ),
    ]
