"""Delegate registration URLs, included inside the "conference" namespace:

path("", include("conference.registration_urls")),
"""

from django.urls import path

from conference import registration_views as views

urlpatterns = [
    path("editions/<int:number>/register/", views.registration_create, name="registration_create"),
    path("editions/<int:number>/register/sent/", views.registration_sent, name="registration_sent"),
    path("editions/<int:number>/register/link/", views.registration_link, name="registration_link"),
    path("registration/manage/<str:token>/", views.registration_manage, name="registration_manage"),
    path(
        "registration/manage/<str:token>/edit/", views.registration_edit, name="registration_edit"
    ),
    path(
        "registration/manage/<str:token>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "registration/manage/<str:token>/erase/",
        views.registration_erase,
        name="registration_erase",
    ),
    path("editions/<int:number>/delegation/", views.delegation, name="delegation"),
    path(
        "editions/<int:number>/delegation/<int:unit_id>/",
        views.delegation,
        name="delegation_unit",
    ),
    path("registrations/", views.registration_list, name="registration_list"),
]
