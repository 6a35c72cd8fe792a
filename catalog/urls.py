from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("<slug:slug>/catalog/", views.catalog, name="catalog"),
    path("<slug:slug>/guide/", views.guide, name="guide"),
    path("<slug:slug>/guide/v<int:number>/", views.guide, name="guide_version"),
]
