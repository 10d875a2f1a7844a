"""The proposals shown on an edition's page (``conference/edition_detail.html`` loads this
library, so the core never imports the proposals app)."""

from django import template

register = template.Library()


@register.inclusion_tag("proposals/edition_proposals.html", takes_context=True)
def edition_proposals(context, edition):
    from proposals.models import Proposal

    proposals = list(Proposal.objects.for_edition(edition).public().with_public_details().ordered())
    return {"edition": edition, "proposals": proposals, "request": context.get("request")}
