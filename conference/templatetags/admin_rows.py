"""``{% quick_result_list cl %}``: Django's ``{% result_list cl %}`` with the rows built by
``conference.admin_rows``; ``{% quick_list_filter cl spec %}``: Django's ``admin_list_filter``
written without a template (both used by ``templates/admin/quick_change_list.html``)."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from conference.admin_rows import quick_list_filter, quick_result_list

register = template.Library()


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=quick_result_list,
        template_name="quick_change_list_results.html",
        takes_context=False,
    )


register.simple_tag(quick_list_filter, name="quick_list_filter")
