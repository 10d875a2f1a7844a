"""Response headers every page gets: the Content-Security-Policy, and no caching of pages that
hold personal data.

- ``Content-Security-Policy`` (``settings.CONTENT_SECURITY_POLICY``): scripts, styles, images
  and fonts only from the site itself, no inline script or style, no framing, forms posted only
  here. The templates keep their CSS in ``static/conference/site.css`` (and the admin's in
  ``admin.css``) so nothing needs ``'unsafe-inline'``. A view may set its own header first.
- ``Cache-Control: private, no-store`` on every page shown to a logged-in account (organizers,
  liaisons, staff, the admin) and on the delegate's own pages reached through their link
  (``PERSONAL_VIEWS``): no shared cache or browser history keeps them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

# The views a delegate reaches through the signed link of their emails (no account).
PERSONAL_VIEWS = {
    "registration_open",
    "registration_manage",
    "registration_edit",
    "registration_cancel",
    "registration_erase",
    "registration_verify",
    "badge_delegate",
    "password_reset_confirm",
}


def _personal(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in PERSONAL_VIEWS


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if _personal(request):
            patch_cache_control(response, private=True, no_store=True)
            cache_control = response.headers["Cache-Control"]
            response.headers["Cache-Control"] = ", ".join(
                part
                for part in (p.strip() for p in cache_control.split(","))
                if part != "public" and not part.startswith(("max-age", "s-maxage"))
            )
        return response
