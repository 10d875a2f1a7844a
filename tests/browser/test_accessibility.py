"""WCAG 2.1 AA on every page (Circular 26/2020/TT-BTTTT): axe-core on every page of PAGES and of
the admin, in Vietnamese and in English, for each kind of visitor; a keyboard walk of each form in
FORMS; after a failed submit of each form, the title says "Lỗi:" / "Error:" and the focus is on an
error summary that links to each invalid field.

A new page joins the audit with one line in PAGES (and a new form with one line in FORMS):
``test_every_page_of_the_urlconf_is_audited`` fails, naming the URL, when a page of the site is
neither in PAGES nor in NOT_PAGES (downloads, redirects and actions without a page of their own).
Arguments are literals or dotted paths into the sample data (``"pending.token"``).
"""

from __future__ import annotations

import io
import re
from operator import attrgetter
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conference.models import DelegateMessage, Edition, Registration, User
from conference.signing import manage_token
from provinces.models import ProvincialUnit
from tests.browser.accessibility import axe_violations, keyboard_walk, state_contrast_problems
from tests.factories import (
    ProposalFactory,
    RegistrationFactory,
    ReviewerAssignmentFactory,
    current_unit,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANGUAGES = ["vi", "en"]

# Who looks at the page: "anonymous" (no account), "delegate" (no account, the signed link of a
# registration), "liaison", "organizer", "reviewer", "admin" (superuser) — the sample accounts of
# demo_data.
# (who, URL name[?query], arguments[, expected status])
PAGES = [
    ("anonymous", "conference:home", {}),
    ("anonymous", "conference:edition_list", {}),
    ("anonymous", "conference:edition_detail", {"number": 10}),
    ("anonymous", "conference:edition_detail", {"number": 11}),
    ("anonymous", "conference:edition_detail", {"number": "xii.number"}),
    ("anonymous", "provinces:unit_list", {}),
    ("anonymous", "provinces:unit_list?edition=10", {}),
    ("anonymous", "provinces:unit_list?q=yen+bai", {}),
    ("anonymous", "provinces:unit_list?edition=999", {}),
    ("anonymous", "provinces:unit_detail", {"pk": "hanoi.pk"}),
    ("anonymous", "provinces:unit_detail", {"pk": "former_unit.pk"}),
    ("anonymous", "conference:registration_create", {"number": "xii.number"}),
    ("anonymous", "conference:registration_create", {"number": 10}),
    ("anonymous", "conference:registration_sent", {"number": "xii.number"}),
    ("anonymous", "conference:registration_link", {"number": "xii.number"}),
    ("anonymous", "login", {}),
    ("anonymous", "password_reset", {}),
    ("anonymous", "password_reset_done", {}),
    ("anonymous", "password_reset_confirm", {"uidb64": "reset.uid", "token": "reset.token"}),
    ("anonymous", "password_reset_confirm", {"uidb64": "reset.uid", "token": "bad-token"}),
    ("anonymous", "password_reset_complete", {}),
    ("anonymous", "admin:login", {}),
    ("anonymous", "conference:registration_list", {}, 302),  # to the login page
    # the delegate has opened the link of the pending registration (_log_in); the links of the
    # others lead to their page (the browser follows the redirect, the page is audited)
    ("delegate", "conference:registration_manage", {}),
    ("delegate", "conference:registration_edit", {}),
    ("delegate", "conference:registration_cancel", {}),
    ("delegate", "conference:registration_erase", {}),
    ("delegate", "conference:badge_delegate", {}, 409),  # not yet
    ("delegate", "conference:registration_open", {"token": "confirmed.token"}, 302),
    ("delegate", "conference:registration_open", {"token": "cancelled.token"}, 302),
    ("delegate", "conference:registration_open", {"token": "waitlisted.token"}, 302),
    ("delegate", "conference:registration_open", {"token": "bad-token"}, 400),
    ("anonymous", "conference:registration_manage", {}, 403),  # no link opened
    ("liaison", "conference:home", {}),
    ("liaison", "conference:delegation_current", {}, 302),
    ("liaison", "conference:delegation", {"number": "xii.number"}),
    ("liaison", "conference:badge_index", {"number": "xii.number"}),
    ("liaison", "conference:registration_list", {}, 403),
    ("liaison", "password_change", {}),
    ("liaison", "password_change_done", {}),
    ("organizer", "conference:registration_list", {}),
    ("organizer", "conference:registration_list?status=pending&q=nguyen", {}),
    ("organizer", "conference:delegation_unit", {"number": "xii.number", "unit_id": "hanoi.pk"}),
    ("organizer", "conference:badge_index", {"number": "xii.number"}),
    (
        "organizer",
        "conference:badge_sheet_unit",
        {"number": "xii.number", "unit_id": "other.pk"},
        404,
    ),
    ("organizer", "conference:checkin_current", {}, 302),
    ("organizer", "conference:checkin", {"number": "xii.number"}),
    ("organizer", "conference:checkin?q=nguyen", {"number": "xii.number"}),
    ("organizer", "conference:checkin_camera", {"number": "xii.number"}),
    ("organizer", "conference:checkin_undo", {"number": "xii.number", "pk": "checked_in.pk"}),
    ("admin", "conference:home", {}),
    ("admin", "conference:edition_detail", {"number": "xii.number"}),
    ("anonymous", "conference:edition_detail", {"number": 99}, 404),
    ("anonymous", "conference:flag_journey", {}),
    ("organizer", "conference:edition_manage", {"number": "xii.number"}),
    ("anonymous", "proposals:public_list", {"number": "xii.number"}),
    ("liaison", "proposals:mine", {}),
    ("liaison", "proposals:create", {}),
    ("liaison", "proposals:detail", {"pk": "draft.pk"}),
    ("liaison", "proposals:edit", {"pk": "draft.pk"}),
    ("liaison", "proposals:withdraw", {"pk": "draft.pk"}),
    ("organizer", "proposals:manage", {}),
    ("organizer", "proposals:detail", {"pk": "in_review.pk"}),
    ("reviewer", "proposals:reviewer_dashboard", {}),
    ("reviewer", "proposals:review", {"pk": "in_review.pk"}),
    ("organizer", "conference:workspace", {}, 302),  # to the dashboard
    ("organizer", "conference:dashboard", {}),
    ("organizer", "conference:registration_detail", {"pk": "pending.pk"}),
    ("organizer", "conference:registration_correct", {"pk": "confirmed.pk"}),
    ("organizer", "conference:message_list", {}),
    ("organizer", "conference:message_compose", {}),
    ("organizer", "conference:message_compose?status=&unit=hanoi.pk", {}),
    ("organizer", "conference:message_detail", {"pk": "message.pk"}),
    ("liaison", "conference:message_list", {}, 403),
    ("organizer", "conference:staff_entry", {"number": "xii.number"}),
    ("organizer", "conference:delegation_import", {"number": "xii.number"}),
    ("liaison", "conference:staff_entry", {"number": "xii.number"}),
    ("liaison", "conference:delegation_import", {"number": "xii.number"}),
]

# The forms: (who, URL name, arguments[, the form's selector]). Each gets a keyboard walk, then a
# submit with its fields emptied, which must fail with an error summary.
FORMS = [
    ("anonymous", "conference:registration_create", {"number": "xii.number"}),
    ("anonymous", "conference:registration_link", {"number": "xii.number"}),
    ("anonymous", "login", {}),
    ("anonymous", "password_reset", {}),
    ("anonymous", "password_reset_confirm", {"uidb64": "reset.uid", "token": "reset.token"}),
    ("delegate", "conference:registration_edit", {}),
    ("liaison", "password_change", {}),
    ("organizer", "conference:message_compose", {}, "form[data-testid=message-form]"),
    ("liaison", "conference:staff_entry", {"number": "xii.number"}),
    ("organizer", "conference:delegation_import", {"number": "xii.number"}),
]

# Forms walked with the keyboard but not submitted empty: submitting them has no failure to show.
FORMS_WALKED_ONLY = [
    ("anonymous", "provinces:unit_list", {}),
    ("delegate", "conference:registration_cancel", {}),
    ("delegate", "conference:registration_erase", {}),
    ("organizer", "conference:checkin", {"number": "xii.number"}),
    ("organizer", "conference:checkin_camera", {"number": "xii.number"}),
    # an optional reason: submitting it empty undoes the check-in
    ("organizer", "conference:checkin_undo", {"number": "xii.number", "pk": "checked_in.pk"}),
    # the ticked-delegates form has no default action: submitting it with nothing chosen does
    # nothing (so Enter in it never confirms anyone)
    ("organizer", "conference:registration_list", {}, "#bulk"),
    # the same on the liaison's delegation page (confirm and decline are separate forms)
    ("liaison", "conference:delegation", {"number": "xii.number"}),
]

# URL names that are not pages to audit, and why.
NOT_PAGES = {
    "set_language": "a POST action that redirects",
    "favicon": "an image",
    "default_language_redirect": "a redirect from /vi/… to /…",
    "logout": "a POST action that redirects",
    "conference:badge_sheet_others": "a PDF (its 'nobody to print' page is badge_sheet_unit's)",
    "conference:badge_registration": "a PDF",
    "conference:badges_filtered": "a PDF (its 'nobody to print' page is badge_sheet_unit's)",
    "conference:registration_export_csv": "a CSV file",
    "conference:registration_export_xlsx": "an Excel file",
    "conference:edition_step": "a POST action that redirects",
    "conference:registration_verify": "a POST action that redirects",
    "proposals:attachment_upload": "a POST action that redirects",
    "conference:edition_ics": "a calendar file",
    "conference:handover_photo": "an image (shown on the edition and flag pages, audited there)",
    "conference:editions_feed": "a JSON or CSV file",
    "conference:handovers_feed": "a JSON or CSV file",
    "proposals:attachment": "a file download",
    "proposals:export_pdf": "a PDF",
    "proposals:export_xlsx": "an Excel file",
    "proposals:assign": "a POST action that redirects",
    "proposals:assign_bulk": "a POST action that redirects",
    "proposals:attachment_delete": "a POST action that redirects",
    "proposals:carry_over": "a POST action that redirects",
    "proposals:decide": "a POST action that redirects",
    "proposals:forward": "a POST action that redirects",
    "proposals:publish": "a POST action that redirects",
    "proposals:response": "a POST action that redirects",
    "proposals:submit": "a POST action that redirects",
    "proposals:unassign": "a POST action that redirects",
    "conference:registration_reverse": "a POST action that redirects",
    "conference:delegation_import_template": "an Excel or CSV file",
}


# --- The sample data ------------------------------------------------------------------------------


@pytest.fixture
def sample(db):
    """demo_data's sample edition and accounts, and registrations in each state."""
    call_command("demo_data", stdout=io.StringIO())
    edition = Edition.objects.get(is_demo=True)
    hanoi = current_unit("01")

    def registration(status, **kwargs):
        registration = RegistrationFactory(
            edition=edition,
            unit=hanoi,
            status=status,
            full_name=f"Nguyễn Thị {status.label}",
            **kwargs,
        )
        registration.token = manage_token(registration)
        return registration

    admin_user = User.objects.get(username="admin")
    in_review = ProposalFactory(
        edition=edition, state="in_review", title="Kiến nghị đang thẩm định"
    )
    ReviewerAssignmentFactory(proposal=in_review, reviewer=User.objects.get(username="reviewer"))
    confirmed = registration(Registration.Status.CONFIRMED)
    return SimpleNamespace(
        message=DelegateMessage.objects.first(),  # demo_data's message, with its report
        xii=edition,
        hanoi=hanoi,
        other=current_unit("04"),  # takes part, nobody registered: "no badge to print"
        former_unit=ProvincialUnit.objects.filter(valid_until__isnull=False)
        .order_by("code")
        .first(),
        pending=registration(
            Registration.Status.PENDING,
            accommodation_needs="Một phòng đơn",
            dietary_needs="Ăn chay",
        ),
        confirmed=confirmed,
        draft=ProposalFactory(edition=edition, title="Kiến nghị còn là bản nháp"),
        in_review=in_review,
        cancelled=registration(Registration.Status.CANCELLED),
        waitlisted=registration(Registration.Status.WAITLISTED),
        checked_in=registration(Registration.Status.CHECKED_IN),
        reset=SimpleNamespace(
            uid=urlsafe_base64_encode(force_bytes(admin_user.pk)),
            token=default_token_generator.make_token(admin_user),
        ),
    )


def _value(sample, value):
    if isinstance(value, str) and re.fullmatch(r"[a-z_0-9]+(\.[a-z_0-9]+)+", value):
        return attrgetter(value)(sample)
    return value


def _path(sample, name: str, arguments: dict, language: str) -> str:
    name, _sep, query = name.partition("?")
    with translation.override(language):
        path = reverse(name, kwargs={k: _value(sample, v) for k, v in arguments.items()})
    return f"{path}?{query}" if query else path


def _log_in(browser_context, live_server, who: str, sample=None) -> None:
    """Give the browser the session of ``who``: an account's, or for "delegate" the one that
    opening the emailed link of the pending registration makes."""
    if who == "anonymous":
        return
    client = Client()
    if who == "delegate":
        client.get(reverse("conference:registration_open", args=[sample.pending.token]))
    else:
        client.force_login(User.objects.get(username=who))
    browser_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _audit(page, path: str, status: int = 200) -> list:
    response = page.goto(path)
    first = response.request.redirected_from or response.request
    got = first.response().status if status == 302 else response.status
    assert (path, got) == (path, status)
    return [
        f"{path} {rule} ({impact}): {target} — {summary}"
        for rule, impact, _help, nodes in axe_violations(page)
        for target, summary in nodes
    ]


# --- The audit ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "who", ["anonymous", "delegate", "liaison", "organizer", "reviewer", "admin"]
)
def test_pages_have_no_serious_accessibility_violations(
    page, browser_context, live_server, sample, who, language
):
    _log_in(browser_context, live_server, who, sample)
    violations = []
    for who_, name, arguments, *status in PAGES:
        if who_ == who:
            path = _path(sample, name, arguments, language)
            violations += _audit(page, path, *status)
    assert violations == [], "\n".join(violations)


def _admin_paths(sample, language: str) -> list[str]:
    """The admin's index, each app's index, and each model's list, add form and change form."""
    paths = []
    with translation.override(language):
        paths.append(reverse("admin:index"))
        paths.append(reverse("admin:password_change"))
        for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
            paths.append(reverse("admin:app_list", kwargs={"app_label": app_label}))
        for model, model_admin in admin.site._registry.items():
            info = (model._meta.app_label, model._meta.model_name)
            paths.append(reverse("admin:{}_{}_changelist".format(*info)))
            if model_admin.has_add_permission(SimpleNamespace(user=User(is_superuser=True))):
                paths.append(reverse("admin:{}_{}_add".format(*info)))
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                paths.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
                paths.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
        paths.append(reverse("admin:conference_notification_send_test"))
    return paths


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_pages_have_no_serious_accessibility_violations(
    page, browser_context, live_server, sample, language
):
    _log_in(browser_context, live_server, "admin")
    violations = []
    for path in _admin_paths(sample, language):
        violations += _audit(page, path)
    assert violations == [], "\n".join(violations)


# --- Buttons and links in every state: hover, focus, disabled ------------------------------------

# Pages that between them show every kind of button of the theme.
STATE_PAGES = [
    ("anonymous", "conference:home", {}),
    ("delegate", "conference:registration_manage", {}),
    ("organizer", "conference:registration_list", {}),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_buttons_keep_their_contrast_in_every_state(
    page, browser_context, live_server, sample, language
):
    problems = []
    for who, name, arguments in STATE_PAGES:
        _log_in(browser_context, live_server, who, sample)
        path = _path(sample, name, arguments, language)
        page.goto(path)
        selector = ".btn, .nav-link, .page-link, main summary"
        problems += [f"{path} {problem}" for problem in state_contrast_problems(page, selector)]
    assert problems == [], "\n".join(problems)


# --- Every page of the URLconf is in the audit ---------------------------------------------------


def _url_names(resolver=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin's pages come from its registry (_admin_paths)
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_page_of_the_urlconf_is_audited():
    listed = {name.partition("?")[0] for _who, name, *_rest in PAGES}
    listed |= set(NOT_PAGES)
    assert sorted(_url_names() - listed) == []


def test_every_form_is_a_listed_page():
    pages = {(who, name) for who, name, *_rest in PAGES}
    forms = {(who, name) for who, name, *_rest in FORMS + FORMS_WALKED_ONLY}
    assert sorted(forms - pages) == []


# --- Forms with the keyboard, and after a failed submit ------------------------------------------


def _ids(forms):
    return [f"{who}-{name}" for who, name, *_rest in forms]


_EMPTY = """(selector) => {
  const form = document.querySelector(selector);
  for (const el of form.elements) {
    if (el.type === "hidden") continue;
    if (el.type === "checkbox" || el.type === "radio") el.checked = false;
    else if (el.tagName === "SELECT") el.selectedIndex = 0;
    else if ("value" in el && el.tagName !== "BUTTON") el.value = "";
  }
  return true;
}"""

_SUMMARY = """() => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return null;
  return {
    focused: document.activeElement === summary,
    links: [...summary.querySelectorAll("a[href^='#']")].map(a => [
      a.textContent.trim(), !!document.getElementById(a.getAttribute("href").slice(1))]),
    text: summary.textContent,
  };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form", FORMS + FORMS_WALKED_ONLY, ids=_ids(FORMS + FORMS_WALKED_ONLY))
def test_form_works_with_the_keyboard_and_explains_a_failed_submit(
    page, browser_context, live_server, sample, form, language
):
    who, name, arguments, *selector = form
    selector = selector[0] if selector else "main form[method=post]"
    _log_in(browser_context, live_server, who, sample)
    path = _path(sample, name, arguments, language)
    page.goto(path)

    assert keyboard_walk(page) == {"unreached": [], "out_of_order": [], "focus_not_visible": []}
    if form in FORMS_WALKED_ONLY:
        return

    page.goto(path)
    page.evaluate(_EMPTY, selector)
    with page.expect_navigation():
        page.locator(selector).locator("[type=submit]").first.click()

    summary = page.evaluate(_SUMMARY)
    prefix = {"vi": "Lỗi:", "en": "Error:"}[language]
    assert (page.title().split(" ")[0], summary is not None) == (prefix, True)
    assert summary["focused"] is True
    assert [exists for _text, exists in summary["links"]] == [True] * len(summary["links"])
    assert re.findall(r"\bred\b|màu đỏ", summary["text"]) == []  # not by colour alone
    assert axe_violations(page) == []
    # A summary's link takes the focus to its field (the browser's own fragment navigation).
    link = page.locator("[data-error-summary] a[href^='#']").first
    if link.count():
        target = link.get_attribute("href")[1:]
        link.click()
        assert page.evaluate("() => document.activeElement.id") == target
