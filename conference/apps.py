from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Conference")

    def ready(self) -> None:
        import importlib
        import pkgutil

        from django.db.models.signals import post_migrate

        from conference import (
            checks,  # noqa: F401 (registers the system checks)
            file_kinds,  # noqa: F401 (registers the kinds of prepared file)
            notifications,
            outbox,
        )
        from conference.services import editions, file_jobs, messages, registrations, venue
        from conference.services.audit import register_audit_actions

        # The core's audit actions, in the order the audit log's filter lists them.
        for actions in (
            registrations.AUDIT_ACTIONS,
            venue.AUDIT_ACTIONS,
            outbox.AUDIT_ACTIONS,
            editions.AUDIT_ACTIONS,
            messages.AUDIT_ACTIONS,
            file_jobs.AUDIT_ACTIONS,
        ):
            register_audit_actions(actions)
        # Every kind of email registers itself (and how to finish its body at send time) on
        # import: load them all, so a worker that only delivers knows every kind.
        for module in pkgutil.iter_modules(notifications.__path__):
            importlib.import_module(f"{notifications.__name__}.{module.name}")

        from conference import access, seat_counts
        from conference.permissions import sync_role_permissions
        from conference.public_cache import connect_invalidation

        connect_invalidation()
        seat_counts.connect_invalidation()
        access.connect_invalidation()

        from provinces.signals import reorganisation_applied

        reorganisation_applied.connect(
            editions.record_reorganisation, dispatch_uid="conference_audit_reorganisation"
        )

        # Every app's post_migrate (after Django created that app's permissions).
        post_migrate.connect(sync_role_permissions, dispatch_uid="conference_role_permissions")


class ConferenceAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the conference's admin site (Vietnamese ordering)."""

    default = False  # conference.apps's default config stays ConferenceConfig
    default_site = "conference.admin_site.ConferenceAdminSite"


class AxesConfig(axes_apps.AppConfig):
    """django-axes with a translated name in the admin (it ships none in Vietnamese)."""

    default = False  # conference.apps's default config stays ConferenceConfig
    verbose_name = _("Login protection")
