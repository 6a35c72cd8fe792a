from django.urls import path

from disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/import/<int:pk>/", views.item_import_job, name="item_import_job"),
]
