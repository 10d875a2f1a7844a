# ruff: noqa: RUF001 (fullwidth and mathematical letters are the point: hostile input)
"""Property-based tests (hypothesis) of every form anyone can post without an account: the
registration form, the delegate's change / cancel / erase forms, "send me my link again", the
password reset request and its new-password form, the login form, and the public search forms.

Generated values — control characters, NUL, lone surrogates (sent as the invalid UTF-8 a client
may send), right-to-left marks, very long strings, decomposed (NFD) Vietnamese, fullwidth and
IDNA email addresses — are posted through the test client. Whatever they are: never a server
error, and either every row of a change is written (and its text is clean) or none is.

Examples per form: the ``default`` hypothesis profile (tests/conftest.py) keeps ``make test``
fast; ``HYPOTHESIS_PROFILE=thorough`` runs thousands (README, "Tests").
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conference import ratelimit
from conference.models import AuditEntry, Notification, Registration, User
from tests.factories import RegistrationFactory, UserFactory, form_post
from tests.html import open_registration, url

pytestmark = pytest.mark.django_db

FIXTURES_OK = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- What hostile input looks like ---------------------------------------------------------------

NASTY = [
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\ud800",  # a lone surrogate: not UTF-8 at all
    "\udfff",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",
    "\ufeff",
    "\u2028",
    "\r\n",
    "\t",
    "Nguye\u0302\u0303n Thi\u0323 Hie\u0302\u0300n",  # NFD Vietnamese
    "Đặng Hoàng An",
    "ｎｇｕｙễｎ",
    '=HYPERLINK("http://x")',
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%s %(x)s {0}",
    "٣٤٥",
    "𝐍𝐠𝐮𝐲𝐞̂𝐧",
]
ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates and controls included
text = st.one_of(
    st.text(ANY_CHARACTER, max_size=40),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)), max_size=8).map("".join),
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["a", "ễ", "\x00", "ø"]),
        st.sampled_from([255, 1001, 5000, 70000]),
    ),
)
emails = st.one_of(
    st.emails(),
    st.sampled_from(
        [
            "hien@example.vn",
            "ＨＩＥＮ@ＥＸＡＭＰＬＥ.vn",
            "hien@xn--h-nội-9za.vn",
            "hien@hà-nội.vn",
            "hie\u0302\u0300n@ha\u0300-no\u0323\u0302i.vn",
            "hien@xn--ha-ni-9ta.vn",
            "hien\x00@example.vn",
            "hien@example.vn\u202e",
            "\ud800@example.vn",
            "a" * 300 + "@example.vn",
            "@",
            "",
        ]
    ),
    st.builds(lambda a, b: f"{a}@{b}", text, text),
)


def _body(data: dict) -> bytes:
    """The form as a client may encode it: lone surrogates go out as the (invalid) UTF-8 bytes
    they would be, which a browser never sends but anyone can."""

    def enc(value) -> str:
        return quote(str(value).encode("utf-8", "surrogatepass"), safe="")

    pairs = []
    for key, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append(f"{enc(key)}={enc(one)}")
    return "&".join(pairs).encode("ascii")


def _post(client, address: str, data: dict):
    response = client.post(address, _body(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (address, data)
    return response


def _fresh_limits() -> None:
    """Each example starts without the rate limits and lockouts of the ones before."""
    cache.clear()
    ratelimit._FALLBACK = ratelimit._Fallback()
    AccessAttempt.objects.all().delete()


@contextlib.contextmanager
def _example():
    """One example: limits afresh, and its rows rolled back at the end (the next starts clean)."""
    _fresh_limits()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean(value: str) -> bool:
    """Text as the site stores it: NFC, no control character, no surrogate."""
    return unicodedata.is_normalized("NFC", value) and not _CONTROL.search(value)


def _counts() -> dict[str, int]:
    return {
        "registrations": Registration.objects.count(),
        "parts": Registration.parts.through.objects.count(),
        "audit": AuditEntry.objects.count(),
        "emails": Notification.objects.count(),
        "users": User.objects.count(),
    }


REGISTRATION_TEXT = (
    "full_name",
    "position",
    "organisation_name",
    "phone",
    "accommodation_needs",
    "dietary_needs",
)


def _registration_text_is_clean(registration: Registration) -> bool:
    return all(
        _clean(getattr(registration, name)) for name in (*REGISTRATION_TEXT, "email", "salutation")
    )


# --- The registration form -----------------------------------------------------------------------


@FIXTURES_OK
@given(
    changes=st.dictionaries(
        st.sampled_from([*REGISTRATION_TEXT, "salutation", "organisation_kind", "unit", "email"]),
        text,
        max_size=4,
    ),
    email=emails,
    second_email=emails,
)
def test_registration_form_writes_a_whole_registration_or_nothing(
    client, open_edition, changes, email, second_email
):
    """Posted twice (the second time with another spelling, or another address): each post
    writes a whole registration, or only the email with the existing one's link, or nothing."""
    with _example():
        for address in (email, second_email):
            data = {**form_post(email=address), "website": "", **changes}
            before = _counts()

            _post(client, url("registration_create", open_edition.number), data)

            after = _counts()
            delta = {key: after[key] - before[key] for key in after}
            assert delta in (
                dict.fromkeys(delta, 0),  # refused
                {**dict.fromkeys(delta, 0), "emails": 1},  # registered already: the link again
                {**dict.fromkeys(delta, 0), "registrations": 1, "audit": 1, "emails": 1},
            ), (address, delta)
            if delta["registrations"]:
                registration = Registration.objects.latest("id")
                assert _registration_text_is_clean(registration)
                registration.full_clean(validate_constraints=False)


# --- The delegate's own pages --------------------------------------------------------------------


@FIXTURES_OK
@given(
    changes=st.dictionaries(
        st.sampled_from([*REGISTRATION_TEXT, "salutation", "language"]),
        text,
        min_size=1,
        max_size=4,
    )
)
def test_registration_edit_form_saves_clean_text_or_nothing(client, open_edition, changes):
    with _example():
        registration = RegistrationFactory(edition=open_edition)
        open_registration(client, registration)
        data = {
            "salutation": registration.salutation,
            "full_name": registration.full_name,
            "position": registration.position,
            "organisation_name": registration.organisation_name,
            "phone": "0912 345 678",
            "accommodation_needs": "",
            "dietary_needs": "",
            "language": "vi",
            **changes,
        }
        before = _counts()

        _post(client, url("registration_edit"), data)

        after = _counts()
        registration.refresh_from_db()
        assert after["registrations"] == before["registrations"]
        assert after["audit"] - before["audit"] in (0, 1)
        assert _registration_text_is_clean(registration)
        registration.full_clean(validate_constraints=False)


@FIXTURES_OK
@given(
    action=st.sampled_from(["registration_cancel", "registration_erase"]),
    extra=st.dictionaries(text, text, max_size=3),
)
def test_registration_cancel_and_erase_forms_do_all_or_nothing(client, open_edition, action, extra):
    with _example():
        registration = RegistrationFactory(edition=open_edition)
        open_registration(client, registration)
        before = _counts()

        _post(client, url(action), extra)

        after = _counts()
        if action == "registration_cancel":
            registration.refresh_from_db()
            assert registration.status == Registration.Status.CANCELLED
            assert after["registrations"] == before["registrations"]
            assert after["emails"] == before["emails"] + 1
        else:
            assert not Registration.objects.filter(pk=registration.pk).exists()
            assert after["registrations"] == before["registrations"] - 1


@FIXTURES_OK
@given(email=emails, website=st.one_of(st.just(""), text))
def test_manage_link_form_answers_the_same_and_sends_at_most_one_email(
    client, open_edition, email, website
):
    with _example():
        RegistrationFactory(edition=open_edition, email="hien@example.vn")
        before = _counts()

        response = _post(
            client,
            url("registration_link", open_edition.number),
            {"email": email, "website": website},
        )

        after = _counts()
        assert response.status_code in (200, 302)
        assert after["emails"] - before["emails"] in (0, 1)
        assert {k: v for k, v in after.items() if k != "emails"} == {
            k: v for k, v in before.items() if k != "emails"
        }


# --- Accounts ------------------------------------------------------------------------------------


@FIXTURES_OK
@given(username=st.one_of(text, emails), password=text)
def test_login_form_never_fails_and_creates_nothing(client, username, password):
    with _example():
        before = _counts()

        response = _post(client, "/accounts/login/", {"username": username, "password": password})

        assert response.status_code in (200, 302, 403, 429)
        assert _counts() == before


@FIXTURES_OK
@given(email=emails)
def test_password_reset_form_sends_at_most_one_email(client, email):
    with _example():
        UserFactory(email="hien@example.vn")
        before = _counts()

        response = _post(client, "/accounts/password_reset/", {"email": email})

        after = _counts()
        assert response.status_code in (200, 302, 429)
        assert after["emails"] - before["emails"] in (0, 1)
        assert after["users"] == before["users"]


@FIXTURES_OK
@given(password1=text, password2=st.one_of(text, st.none()))
def test_new_password_form_sets_a_usable_password_or_nothing(client, password1, password2):
    with _example():
        user = UserFactory(email="hien@example.vn")
        old_hash = user.password
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        start = client.get(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")
        assert start.status_code == 302  # to the form's own address (the token in the session)

        _post(
            client,
            start.url,
            {
                "new_password1": password1,
                "new_password2": password1 if password2 is None else password2,
            },
        )

        user.refresh_from_db()
        if user.password != old_hash:
            # as the server read it: the bytes of a lone surrogate are not UTF-8 (U+FFFD)
            sent = password1.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            assert user.check_password(sent)


# --- The public search forms ---------------------------------------------------------------------


@FIXTURES_OK
@given(query=text, other=text)
def test_public_search_forms_never_fail(client, open_edition, query, other):
    for address in (
        "/provinces/",
        f"/editions/{open_edition.number}/proposals/",
        "/editions/",
    ):
        response = client.get(
            address + "?" + _body({"q": query, "region": other, "edition": other}).decode()
        )
        assert response.status_code < 500, (address, query, other)
