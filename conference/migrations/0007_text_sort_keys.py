# The sort keys and search texts of people follow the length of their source fields: a 150-letter
# full name makes a key of about 900 digits, longer than the former 800-character columns
# (PostgreSQL refused it; SQLite ignores lengths).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0006_registrations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="registration",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AlterField(
            model_name="registration",
            name="sort_key",
            field=models.TextField(db_index=True, default="", editable=False),
        ),
        migrations.AlterField(
            model_name="user",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AlterField(
            model_name="user",
            name="sort_key",
            field=models.TextField(db_index=True, default="", editable=False),
        ),
    ]
