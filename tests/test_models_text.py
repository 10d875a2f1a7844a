"""What the models show people is translatable, and the migrations follow the models."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils.functional import Promise

OUR_APPS = ("conference", "provinces", "proposals")


def test_every_help_text_of_our_models_is_translatable():
    untranslated = [
        f"{model._meta.label}.{field.name}: {field.help_text!r}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if getattr(field, "help_text", "") and not isinstance(field.help_text, Promise)
    ]

    assert untranslated == []


@pytest.mark.django_db
def test_migrations_follow_the_models():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)

    assert out.getvalue() == "No changes detected\n"
