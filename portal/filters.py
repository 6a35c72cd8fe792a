"""The filters of a category page; their state lives in the query string."""

import django_filters
from django.utils import timezone

from disclosure.models import Item
from search.models import SearchEntry
from search.queries import year_range

FIRST_YEAR = 2008  # the first Regulation on Government Information Disclosure took effect in 2008
YES_NO = [("1", "有"), ("0", "无")]
SORT_CHOICES = [("date", "按发布日期（新→旧）"), ("title", "按标题")]


def _flag(field):
    # "field IN (true)", not "field = true": Django writes the latter as a bare column on
    # SQLite, which SQLite cannot match to the second column of a (category, flag, date) index.
    def apply(queryset, name, value):
        return queryset.filter(**{f"{field}__in": [value == "1"]})

    return apply


class CategoryFilter(django_filters.FilterSet):
    """Year, month, publishing body, validity, document number, attachments, and the sort order."""

    year = django_filters.ChoiceFilter(label="发布年份", empty_label="全部年份", method="by_date")
    month = django_filters.ChoiceFilter(
        label="发布月份",
        empty_label="全部月份",
        choices=[(month, f"{month}月") for month in range(1, 13)],
        method="by_date",
    )
    publisher = django_filters.ChoiceFilter(label="发布机构", empty_label="全部机构", field_name="publisher_id")
    validity = django_filters.ChoiceFilter(label="有效性", empty_label="全部", choices=Item.Validity.choices)
    has_document_number = django_filters.ChoiceFilter(
        label="文号", empty_label="不限", choices=YES_NO, method=_flag("has_document_number")
    )
    has_attachments = django_filters.ChoiceFilter(
        label="附件", empty_label="不限", choices=YES_NO, method=_flag("has_attachments")
    )
    sort = django_filters.ChoiceFilter(label="排序", empty_label=None, choices=SORT_CHOICES, method="keep")

    class Meta:
        model = SearchEntry
        fields = []

    def __init__(self, data=None, *args, publishers=(), years=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        this_year = timezone.localdate().year
        years = years or range(this_year, FIRST_YEAR - 1, -1)
        self.filters["year"].extra["choices"] = [(year, f"{year}年") for year in years]
        self.filters["publisher"].extra["choices"] = [(org.pk, org.name) for org in publishers]

    def keep(self, queryset, name, value):
        return queryset

    def by_date(self, queryset, name, value):
        # Applied once for year and month together in filter_queryset.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        year = self.form.cleaned_data.get("year")
        if year:
            month = self.form.cleaned_data.get("month")
            start, end = year_range(int(year), int(month) if month else None)
            queryset = queryset.filter(published_at__gte=start, published_at__lt=end)
        return queryset

    @property
    def sort_order(self) -> str:
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {}).get("sort") or "date"

    @property
    def month_without_year(self) -> bool:
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return bool(data.get("month")) and not data.get("year")
