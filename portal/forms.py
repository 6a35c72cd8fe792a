from django import forms
from django.utils import timezone

from portal.filters import FIRST_YEAR


class SearchForm(forms.Form):
    """The county-wide search: query, township, column and year; all in the query string."""

    q = forms.CharField(label="检索词", max_length=200, required=False)
    township = forms.ChoiceField(label="乡镇/部门", required=False)
    category = forms.ChoiceField(label="栏目", required=False)
    year = forms.TypedChoiceField(label="发布年份", coerce=int, required=False, empty_value=None)
    page = forms.IntegerField(label="页码", min_value=1, required=False)

    def __init__(self, *args, townships=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "全部乡镇和部门")] + [(org.slug, org.name) for org in townships]
        # Columns belong to one township: the list appears once a township is chosen.
        self.fields["category"].choices = [("", "全部栏目")] + [(c.code, c.name) for c in categories]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", "全部年份")] + [
            (year, f"{year}年") for year in range(this_year, FIRST_YEAR - 1, -1)
        ]

    def value(self, name):
        """The cleaned value, or None when the field is empty or was refused."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name) or None


class BulletinPostingForm(forms.Form):
    """Staff record where and when the printed notice went up on the bulletin board."""

    posted_on = forms.DateField(label="张贴日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="张贴地点", max_length=100)
    # The idempotency key: the same form posted twice records once.
    key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def clean_posted_on(self):
        posted_on = self.cleaned_data["posted_on"]
        if posted_on > timezone.localdate():
            raise forms.ValidationError("张贴日期不能晚于今天。")
        return posted_on
