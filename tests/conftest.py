import pytest


@pytest.fixture(autouse=True)
def _vietnamese_default(settings):
    """Every test starts in the default language, whatever an earlier test activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
