"""At the venue: badges, the check-in desk and the organizers' exports. Included inside the
"conference" namespace:

path("", include("conference.venue_urls")),
"""

from django.urls import path

from conference import venue_views as views

urlpatterns = [
    path("editions/<int:number>/badges/", views.badge_index, name="badge_index"),
    path(
        "editions/<int:number>/badges/unit/<int:unit_id>.pdf",
        views.badge_sheet_unit,
        name="badge_sheet_unit",
    ),
    path(
        "editions/<int:number>/badges/others.pdf",
        views.badge_sheet_others,
        name="badge_sheet_others",
    ),
    path("registrations/<int:pk>/badge.pdf", views.badge_registration, name="badge_registration"),
    path("registration/manage/<str:token>/badge.pdf", views.badge_delegate, name="badge_delegate"),
    path("editions/<int:number>/checkin/", views.checkin, name="checkin"),
    path("registrations/export.csv", views.registration_export_csv, name="registration_export_csv"),
    path(
        "registrations/export.xlsx",
        views.registration_export_xlsx,
        name="registration_export_xlsx",
    ),
]
