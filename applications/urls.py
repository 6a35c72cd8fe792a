from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("apply/", views.apply_choose, name="choose"),
    path("apply/receipt/", views.receipt, name="receipt"),
    path("apply/status/", views.status, name="status"),
    path("apply/status/<str:number>/", views.status_view, name="status_view"),
    path("apply/status/<str:number>/<str:what>/<int:pk>/", views.status_file, name="status_file"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
]
