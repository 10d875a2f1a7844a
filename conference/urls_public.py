app_name = "conference"
urlpatterns: list = []
