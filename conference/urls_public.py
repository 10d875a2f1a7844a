from django.urls import include, path

from conference import views

app_name = "conference"
urlpatterns = [
    path("", views.home, name="home"),
    path("editions/", views.edition_list, name="edition_list"),
    path("editions/<int:number>/", views.edition_detail, name="edition_detail"),
    path("delegation/", views.delegation_current, name="delegation_current"),
    path("checkin/", views.checkin_current, name="checkin_current"),
    path("", include("conference.registration_urls")),
    path("", include("conference.venue_urls")),
]
