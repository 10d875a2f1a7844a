from django.urls import path

from provinces import views

app_name = "provinces"
urlpatterns = [
    path("provinces/", views.unit_list, name="unit_list"),
    path("provinces/<int:pk>/", views.unit_detail, name="unit_detail"),
]
