from django.urls import path

from proposals import views

app_name = "proposals"
urlpatterns = [
    path("proposals/", views.mine, name="mine"),
    path("proposals/new/", views.create, name="create"),
    path("proposals/<int:pk>/", views.detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.edit, name="edit"),
    path("proposals/<int:pk>/files/", views.attachment_upload, name="attachment_upload"),
    path("proposals/<int:pk>/submit/", views.submit, name="submit"),
    path("proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("proposals/<int:pk>/review/", views.review, name="review"),
    path("proposals/<int:pk>/assign/", views.assign, name="assign"),
    path("proposals/<int:pk>/decide/", views.decide, name="decide"),
    path("proposals/<int:pk>/forward/", views.forward, name="forward"),
    path("proposals/<int:pk>/answer/", views.response, name="response"),
    path("proposals/files/<int:pk>/", views.attachment_download, name="attachment"),
    path("proposals/files/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("proposals/assignments/<int:pk>/delete/", views.unassign, name="unassign"),
    path("reviews/", views.reviewer_dashboard, name="reviewer_dashboard"),
    path("proposals/manage/", views.manage, name="manage"),
    path("proposals/manage/assign/", views.assign_bulk, name="assign_bulk"),
    path("proposals/manage/publish/", views.publish, name="publish"),
    path("proposals/manage/carry-over/", views.carry_over, name="carry_over"),
    path("proposals/manage/compiled.xlsx", views.export_xlsx, name="export_xlsx"),
    path("proposals/manage/compiled.pdf", views.export_pdf, name="export_pdf"),
    path("editions/<int:number>/proposals/", views.public_list, name="public_list"),
]
