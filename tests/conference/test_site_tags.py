"""The site-wide template tags that each process memoises (conference/templatetags/site_tags.py):
the same answers as Django's own tags, per language, page and query."""

import re

import pytest
from django.template import Context, RequestContext, Template, engines
from django.test import RequestFactory
from django.utils import translation

from conference.templatetags.site_tags import language_links
from tests.factories import LiaisonFactory, UserFactory

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


# --- The menu bar, kept per process (site_menu) -----------------------------------------------

MENU_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def menu_of(client, path: str) -> tuple[str, str, str]:
    """The menu bar of ``path`` as ``{% site_menu %}`` writes it (kept or not), as the template
    writes it, and the page's own CSRF token, for the request the client made."""
    response = client.get(path)
    request = response.wsgi_request
    context = RequestContext(request, {})
    engine = engines["django"].engine
    kept = engine.from_string("{% load site_tags %}{% site_menu %}")
    plain = engine.from_string('{% include "includes/site_menu.html" %}')
    with translation.override(request.LANGUAGE_CODE):
        with context.bind_template(kept):
            written = kept.render(context)
            token = str(context["csrf_token"])
        with context.bind_template(plain):
            expected = plain.render(context)
    return written, expected, token


@pytest.mark.parametrize(
    "user",
    [
        lambda: UserFactory(roles=["organizer"]),
        lambda: LiaisonFactory(),
        lambda: UserFactory(is_staff=True, is_superuser=True, full_name=""),
        lambda: UserFactory(full_name="Lê <Thị> & Hoa"),
    ],
)
def test_site_menu_kept_writes_what_the_template_writes(user, client):
    client.force_login(user())
    pages = ["/registrations/?edition=1", "/registrations/?edition=3", "/en/registrations/?q=a%20b"]
    for path in [*pages, "/", "/"]:
        written, expected, token = menu_of(client, path)
        # this page's own token and addresses, whether the menu was kept or not
        assert MENU_TOKEN.findall(written) and {
            found for _, found, _ in MENU_TOKEN.findall(written)
        } == {token}
        assert MENU_TOKEN.sub(r"\1\3", written) == MENU_TOKEN.sub(r"\1\3", expected)


def test_site_menu_kept_apart_for_each_language_page_and_role(client):
    organizer = UserFactory(roles=["organizer"])
    client.force_login(organizer)
    first, _, _ = menu_of(client, "/registrations/")
    assert 'href="/dashboard/"' in first
    assert menu_of(client, "/en/registrations/")[0] != first  # another language
    assert menu_of(client, "/dashboard/")[0] != first  # another page: another item active
    organizer.groups.clear()
    from conference import access

    access.user_changed(organizer.pk)
    written, expected, _ = menu_of(client, "/")
    assert 'href="/dashboard/"' not in written
    assert MENU_TOKEN.sub(r"\1\3", written) == MENU_TOKEN.sub(r"\1\3", expected)
