from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("display/", views.display, name="display"),
    path("", views.county_home, name="county_home"),
    path("<slug:slug>/", views.township_home, name="township_home"),
]
