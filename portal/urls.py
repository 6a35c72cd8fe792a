from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from portal import sitemaps, views
from portal.feeds import CategoryFeed, TownshipFeed
from portal.sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("display/", views.display, name="display"),
    path("search/", views.search, name="search"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "portal:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap_section"),
    path("", views.county_home, name="county_home"),
    path("<slug:slug>/", views.township_home, name="township_home"),
    path("<slug:slug>/feed/", TownshipFeed(), name="township_feed"),
    path("<slug:slug>/category/<str:code>/", views.category, name="category"),
    path("<slug:slug>/category/<str:code>/feed/", CategoryFeed(), name="category_feed"),
    path("<slug:slug>/items/<int:pk>/", views.item, name="item"),
    path("<slug:slug>/items/<int:pk>/qr.svg", views.item_qr, name="item_qr"),
    path("<slug:slug>/items/<int:pk>/print/", views.item_print, name="item_print"),
    path("<slug:slug>/items/<int:pk>/notice/", views.item_notice, name="item_notice"),
    path("<slug:slug>/items/<int:pk>/notice.pdf", views.item_notice_pdf, name="item_notice_pdf"),
]
