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

        # The public page of an edition's proposals and the edition's page show the public
        # proposals (their state never leaves the public set once in it), their answers and
        # related documents: a change to one of these makes the cached public pages stale.
        from conference.public_cache import invalidate_on_change

        invalidate_on_change("proposals.Proposal", when=lambda proposal: proposal.is_public)
        for label in (
            "proposals.MinistryResponse",
            "proposals.RelatedDocument",
            "proposals.PolicyArea",
        ):
            invalidate_on_change(label)
