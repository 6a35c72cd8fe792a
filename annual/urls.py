from django.urls import path, register_converter

from annual import views
from annual.exports import RENDERERS


class AnnualFormatConverter:
    regex = "|".join(RENDERERS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class YearConverter:
    regex = r"2\d{3}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(AnnualFormatConverter, "annual_format")
register_converter(YearConverter, "annual_year")

app_name = "annual"

urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("board/<annual_year:year>/county.xlsx", views.county_download, name="county_download"),
    path("<slug:slug>/<annual_year:year>/", views.report_detail, name="report"),
    path("<slug:slug>/<annual_year:year>/save/", views.report_save, name="save"),
    path("<slug:slug>/<annual_year:year>/previous/", views.report_previous, name="previous"),
    path("<slug:slug>/<annual_year:year>/submit/", views.report_submit, name="submit"),
    path("<slug:slug>/<annual_year:year>/publish/", views.report_publish, name="publish"),
    path(
        "<slug:slug>/<annual_year:year>/draft.<annual_format:file_format>", views.draft_download, name="draft_download"
    ),
    path("<slug:slug>/<annual_year:year>/v<int:number>/decide/", views.version_decide, name="decide"),
    path(
        "<slug:slug>/<annual_year:year>/v<int:number>/file.<annual_format:file_format>",
        views.version_download,
        name="download",
    ),
]
