"""Reorganisations of provincial units become data: a Reorganisation row (the resolution, the
date it was adopted, the first day of the new governments) that ends the units it merged.

The data (the ten unchanged units made one each, the 2025 reorganisation recorded) follows in
0004, a separate migration: PostgreSQL builds this one's indexes at its end, which it refuses on a
table with rows changed in the same transaction. (This migration once held both; a database that
applied that version finds 0004 has nothing left to do.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("provinces", "0002_load_units")]

    operations = [
        migrations.CreateModel(
            name='Reorganisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(help_text='For example 2025.', unique=True, verbose_name='key')),
                ('name', models.CharField(max_length=300, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=300, verbose_name='name (English)')),
                ('resolution', models.CharField(blank=True, max_length=200, verbose_name='resolution')),
                ('decided_on', models.DateField(help_text='The date the resolution was adopted and took effect.', verbose_name='adopted on')),
                ('governments_from', models.DateField(help_text='The first day of the new units; merged units end the day before.', verbose_name='new governments from')),
                ('sources', models.TextField(blank=True, verbose_name='sources')),
            ],
            options={
                'verbose_name': 'reorganisation',
                'verbose_name_plural': 'reorganisations',
                'ordering': ['governments_from'],
                'constraints': [models.CheckConstraint(condition=models.Q(('governments_from__gte', models.F('decided_on'))), name='reorganisation_governments_after_decision')],
            },
        ),
        migrations.AddField(
            model_name='provincialunit',
            name='ended_by',
            field=models.ForeignKey(blank=True, help_text='The reorganisation that merged this unit into its successor.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ended_units', to='provinces.reorganisation', verbose_name='ended by'),
        ),
        migrations.AddConstraint(
            model_name='provincialunit',
            constraint=models.CheckConstraint(condition=models.Q(('ended_by__isnull', True), ('valid_until__isnull', False), _connector='OR'), name='unit_ended_by_only_when_ended'),
        ),
    ]
