from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from conference.views import accounts
from conference.views.public import LogoutView, default_language_redirect, favicon

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon, name="favicon"),
    re_path(r"^vi/(?P<path>.*)$", default_language_redirect, name="default_language_redirect"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path(
        "accounts/password_change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("provinces.urls")),
    path("", include("proposals.urls")),
    path("", include("conference.app_urls")),
    prefix_default_language=False,
)
