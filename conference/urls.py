from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from conference.views import LogoutView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("provinces.urls")),
    path("", include("conference.urls_public")),
    prefix_default_language=False,
)
