"""The admin site: Django's, with apps and models listed in Vietnamese alphabetical order.

Django sorts the index by code point, which puts "Đăng ký" after "Tỉnh, thành phố"; here both the
apps and the models inside each app are ordered with ``conference.vietnamese.sort_key`` (in English
the same key gives plain alphabetical order). Installed through ``ConferenceAdminConfig`` in
``conference/apps.py``, so ``django.contrib.admin.site`` is an instance of this class.

This module sits outside the ``conference.admin`` package on purpose: importing a module of that
package runs its ``__init__``, whose ModelAdmins register on ``admin.site`` while the lazy default
site is still being built, and Django would then build a second, empty site.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from conference.vietnamese import sort_key


class ConferenceAdminSite(AdminSite):
    site_header = _("Northern Industry and Trade Conference — administration")
    site_title = _("Conference administration")
    index_title = _("Site administration")

    def get_app_list(self, request, app_label=None):
        apps = list(self._build_app_dict(request, app_label).values())
        apps.sort(key=lambda app: sort_key(str(app["name"])))
        for app in apps:
            app["models"].sort(key=lambda model: sort_key(str(model["name"])))
        return apps
