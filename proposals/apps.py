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

        # The proposals' copies of their area's order and their unit's sort key (the lists'
        # order, see ``Proposal.area_order``) follow a change of either.
        from django.db.models.signals import post_save

        post_save.connect(
            _area_saved, sender="proposals.PolicyArea", dispatch_uid="proposals:list-order:area"
        )
        post_save.connect(
            _unit_saved, sender="provinces.ProvincialUnit", dispatch_uid="proposals:list-order:unit"
        )


def _area_saved(sender, instance, created, raw, **kwargs) -> None:
    if not created and not raw:
        from proposals.models import Proposal

        Proposal.objects.filter(area=instance).refresh_list_order()


def _unit_saved(sender, instance, created, raw, **kwargs) -> None:
    if not created and not raw:
        from proposals.models import Proposal

        Proposal.objects.filter(unit=instance).refresh_list_order()
