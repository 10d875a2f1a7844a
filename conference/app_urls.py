"""The core app's URLs, in the "conference" namespace (``{% url "conference:home" %}``); included
by the site's ``conference/urls.py`` under the language prefix."""

from django.urls import path

from conference.views import (
    backoffice,
    dashboard,
    editions,
    messages,
    public,
    registrations,
    staff_entry,
    venue,
)

app_name = "conference"
urlpatterns = [
    # The public pages
    path("", public.home, name="home"),
    path("editions/", public.edition_list, name="edition_list"),
    path("editions/<int:number>/", public.edition_detail, name="edition_detail"),
    path("editions/<int:number>/calendar.ics", editions.edition_ics, name="edition_ics"),
    path("flag/", editions.flag_journey, name="flag_journey"),
    path(
        "editions/<int:number>/handover-photo",
        editions.handover_photo,
        name="handover_photo",
    ),
    path(
        "data/editions.<str:fmt>",
        editions.editions_feed,
        name="editions_feed",
    ),
    path(
        "data/handovers.<str:fmt>",
        editions.handovers_feed,
        name="handovers_feed",
    ),
    path("editions/<int:number>/manage/", editions.edition_manage, name="edition_manage"),
    path("editions/<int:number>/manage/step/", editions.edition_step, name="edition_step"),
    path("delegation/", public.delegation_current, name="delegation_current"),
    path("checkin/", public.checkin_current, name="checkin_current"),
    # Delegate registration
    path(
        "editions/<int:number>/register/",
        registrations.registration_create,
        name="registration_create",
    ),
    path(
        "editions/<int:number>/register/sent/",
        registrations.registration_sent,
        name="registration_sent",
    ),
    path(
        "editions/<int:number>/register/link/",
        registrations.registration_link,
        name="registration_link",
    ),
    # The delegate's own registration: the emailed link opens it for the browser session and
    # leads on to the token-free pages (the fixed paths come before the token's).
    path("registration/manage/", registrations.registration_manage, name="registration_manage"),
    path("registration/manage/edit/", registrations.registration_edit, name="registration_edit"),
    path(
        "registration/manage/cancel/",
        registrations.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "registration/manage/verify/",
        registrations.registration_verify,
        name="registration_verify",
    ),
    path(
        "registration/manage/erase/",
        registrations.registration_erase,
        name="registration_erase",
    ),
    path("registration/manage/badge.pdf", venue.badge_delegate, name="badge_delegate"),
    path(
        "registration/manage/<str:token>/",
        registrations.registration_open,
        name="registration_open",
    ),
    path("editions/<int:number>/delegation/", registrations.delegation, name="delegation"),
    path(
        "editions/<int:number>/delegation/<int:unit_id>/",
        registrations.delegation,
        name="delegation_unit",
    ),
    path("registrations/", registrations.registration_list, name="registration_list"),
    # Staff entry: delegates registered by an organizer or their province's liaison
    path("editions/<int:number>/enter/", staff_entry.staff_entry, name="staff_entry"),
    path(
        "editions/<int:number>/enter/file/",
        staff_entry.delegation_import,
        name="delegation_import",
    ),
    path(
        "editions/<int:number>/enter/template.<str:fmt>",
        staff_entry.delegation_import_template,
        name="delegation_import_template",
    ),
    # The back office: each role's workspace, the dashboard, one registration, reversing a decision
    path("workspace/", dashboard.workspace, name="workspace"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("messages/", messages.message_list, name="message_list"),
    path("messages/new/", messages.message_compose, name="message_compose"),
    path("messages/<int:pk>/", messages.message_detail, name="message_detail"),
    path("registrations/<int:pk>/", backoffice.registration_detail, name="registration_detail"),
    path(
        "registrations/<int:pk>/correct/",
        backoffice.registration_correct,
        name="registration_correct",
    ),
    path(
        "registrations/<int:pk>/reverse/",
        backoffice.registration_reverse,
        name="registration_reverse",
    ),
    # At the venue: badges, the check-in desk and the organizers' exports
    path("editions/<int:number>/badges/", venue.badge_index, name="badge_index"),
    path(
        "editions/<int:number>/badges/unit/<int:unit_id>.pdf",
        venue.badge_sheet_unit,
        name="badge_sheet_unit",
    ),
    path(
        "editions/<int:number>/badges/others.pdf",
        venue.badge_sheet_others,
        name="badge_sheet_others",
    ),
    path("registrations/<int:pk>/badge.pdf", venue.badge_registration, name="badge_registration"),
    path("editions/<int:number>/badges/all.pdf", venue.badges_filtered, name="badges_filtered"),
    path("editions/<int:number>/checkin/", venue.checkin, name="checkin"),
    path("editions/<int:number>/checkin/camera/", venue.checkin_camera, name="checkin_camera"),
    path("editions/<int:number>/checkin/<int:pk>/undo/", venue.checkin_undo, name="checkin_undo"),
    path("registrations/export.csv", venue.registration_export_csv, name="registration_export_csv"),
    path(
        "registrations/export.xlsx",
        venue.registration_export_xlsx,
        name="registration_export_xlsx",
    ),
]
