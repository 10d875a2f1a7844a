from django.urls import include, path

app_name = "conference"
urlpatterns: list = [
    path("", include("conference.registration_urls")),
    path("", include("conference.venue_urls")),
]
