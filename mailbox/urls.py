from django.urls import path

from mailbox import views

app_name = "mailbox"

urlpatterns = [
    path("mailbox/status/", views.status, name="status"),
    path("<slug:slug>/mailbox/", views.write, name="write"),
    path("<slug:slug>/mailbox/sent/", views.sent, name="sent"),
    path("<slug:slug>/mailbox/public/", views.public_list, name="public_list"),
    path("<slug:slug>/mailbox/public/<str:number>/", views.public_detail, name="public_detail"),
]
