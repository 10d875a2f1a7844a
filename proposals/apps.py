from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from conference.services.audit import register_audit_actions
        from proposals import (
            notifications,  # noqa: F401 (registers the email kinds)
            rules,
        )
        from proposals.services import AUDIT_ACTIONS

        rules.register()
        register_audit_actions(AUDIT_ACTIONS)

        from conference.services.messages import register_digest_section
        from proposals.digest import proposals_waiting_section

        register_digest_section(proposals_waiting_section)
