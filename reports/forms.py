from django import forms

from reports.figures import NARRATIVE_FIELDS
from reports.models import ReportDecision
from reports.months import Month

NARRATIVE_MAX = 5000
LABELS = dict(NARRATIVE_FIELDS)


def _narrative_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NARRATIVE_MAX,
        help_text=f"不超过 {NARRATIVE_MAX} 字。",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )


class NarrativeForm(forms.Form):
    """The township's own words, in the sections of the seed's work summary."""

    work_done = _narrative_field(LABELS["work_done"])
    problems = _narrative_field(LABELS["problems"])
    improvements = _narrative_field(LABELS["improvements"])


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=ReportDecision.Outcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ReportDecision.Outcome.RETURNED and not (data.get("comment") or "").strip():
            self.add_error("comment", "退回月报时请填写退回意见，说明需要修改的地方。")
        return data


class MonthForm(forms.Form):
    month = forms.CharField(label="月份", max_length=7, help_text="格式：2017-03")

    def clean_month(self):
        try:
            return Month.parse(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError("请按“年-月”格式填写月份，例如 2017-03。") from None
