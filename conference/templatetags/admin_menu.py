"""``{% quick_nav_sidebar %}``: Django's ``admin/nav_sidebar.html`` (the admin's side menu),
written once per app list, language and current model (``conference.admin_site.nav_sidebar``);
used by ``templates/admin/base_site.html``."""

from django import template

from conference.admin_site import nav_sidebar

register = template.Library()


@register.simple_tag(takes_context=True)
def quick_nav_sidebar(context):
    return nav_sidebar(context)
