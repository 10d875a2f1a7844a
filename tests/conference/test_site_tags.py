"""The site-wide template tags that each process memoises (conference/templatetags/site_tags.py):
the same answers as Django's own tags, per language, page and query."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from conference.templatetags.site_tags import language_links

pytestmark = pytest.mark.django_db


def links(path: str, language: str) -> list[tuple[str, str, bool]]:
    with translation.override(language):
        found = language_links(Context({"request": RequestFactory().get(path)}))
    return [(link["code"], link["next"], link["is_current"]) for link in found]


def test_language_links_keep_each_page_and_its_query_apart():
    assert links("/en/editions/10/?x=1", "en") == [
        ("vi", "/editions/10/?x=1", False),
        ("en", "/en/editions/10/?x=1", True),
    ]
    assert links("/en/editions/10/?x=2", "en") == [
        ("vi", "/editions/10/?x=2", False),
        ("en", "/en/editions/10/?x=2", True),
    ]
    assert links("/editions/11/", "vi") == [
        ("vi", "/editions/11/", True),
        ("en", "/en/editions/11/", False),
    ]


def test_language_links_of_an_unknown_address_keep_it():
    assert links("/no-such-page/?a=b", "vi") == [
        ("vi", "/no-such-page/?a=b", True),
        ("en", "/no-such-page/?a=b", False),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_site_url_and_site_static_answer_as_url_and_static(language):
    names = ["conference:home", "provinces:unit_list", "login", "admin:index", "set_language"]
    ours = Template(
        "{% load site_tags %}"
        + "".join(f"{{% site_url '{name}' %}}|" for name in names)
        + "{% site_static 'conference/site.css' %}"
    )
    django = Template(
        "{% load static %}"
        + "".join(f"{{% url '{name}' %}}|" for name in names)
        + "{% static 'conference/site.css' %}"
    )

    with translation.override(language):
        assert ours.render(Context()) == django.render(Context())
