"""What the browser tests do the same way: log in through the form as a person would, and
collect the errors a page reports in its console."""

from __future__ import annotations

from tests.factories import PASSWORD


def log_in(page, username: str, *, prefix: str = "", lands_on: str | None = None) -> None:
    """Log in through the login form (Enter in the password box, as people do) with the
    factories' password, then wait for the page the role lands on: ``lands_on`` (a path after
    the language prefix), or any page but the login form."""
    page.goto(f"{prefix}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    if lands_on is None:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    else:
        page.wait_for_url(f"**{prefix}{lands_on}")


def watch_console(page) -> list[str]:
    """Errors the page reports (a Content-Security-Policy violation is one), as a list that
    fills while the test runs."""
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems
