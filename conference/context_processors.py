from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _navigation(user) -> dict[str, bool]:
    """Which of the work pages the navigation offers this user (asked only when a page shows
    the navigation to a logged-in user; the answers are cached on the user for the request)."""
    from conference.permissions import can, department_of, is_organizer

    if user is None or not user.is_authenticated:
        return {}
    return {
        "registrations": is_organizer(user),
        "delegation": department_of(user) is not None,
        "checkin": can(user, "checkin.perform"),
        # proposals (rules added by the proposals app)
        "proposals_mine": department_of(user) is not None,
        "reviews": can(user, "proposal.review"),
        "proposals_manage": can(user, "proposal.manage"),
    }


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "DEBUG": settings.DEBUG,
        "nav_work": SimpleLazyObject(lambda: _navigation(user)),
    }
