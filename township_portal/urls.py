from django.contrib import admin
from django.urls import include, path

from portal import views as portal_views

admin.site.site_header = "乡镇政务公开平台 · 管理后台"
admin.site.site_title = "政务公开管理后台"
admin.site.index_title = "工作台"

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("annual/", include("annual.urls")),
    path("", include("applications.urls")),  # 依申请公开: /apply/, /<township>/apply/
    path("", include("catalog.urls")),
    path("", include("disclosure.urls")),
    path("", include("mailbox.urls")),
    path("", include("portal.urls")),
]

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
