from django.urls import path, register_converter

from reports import views
from reports.exports import RENDERERS
from reports.months import Month


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> Month:
        return Month.parse(value)  # ValueError (e.g. 2017-13) means no match: 404

    def to_url(self, value: Month) -> str:
        return str(value)


class FormatConverter:
    regex = "|".join(RENDERERS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MonthConverter, "report_month")
register_converter(FormatConverter, "report_format")

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("board/<report_month:month>/county.xlsx", views.county_download, name="county_download"),
    path("<slug:slug>/<report_month:month>/", views.report_detail, name="report"),
    path("<slug:slug>/<report_month:month>/narrative/", views.report_narrative, name="narrative"),
    path("<slug:slug>/<report_month:month>/submit/", views.report_submit, name="submit"),
    path(
        "<slug:slug>/<report_month:month>/draft.<report_format:file_format>",
        views.draft_download,
        name="draft_download",
    ),
    path("<slug:slug>/<report_month:month>/v<int:number>/", views.version_detail, name="version"),
    path("<slug:slug>/<report_month:month>/v<int:number>/decide/", views.version_decide, name="decide"),
    path(
        "<slug:slug>/<report_month:month>/v<int:number>/file.<report_format:file_format>",
        views.version_download,
        name="download",
    ),
]
