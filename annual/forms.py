from django import forms

from annual.figures import DOCUMENT_KINDS
from annual.models import NARRATIVE_FIELDS, AnnualDecision, EnteredFigure
from township_portal.lib.annual import APPLICANT_KINDS

NARRATIVE_MAX = 5000
ENTERED = list(EnteredFigure.Key.choices)


class ReportForm(forms.Form):
    """The township's words and the figures it keeps in other systems, saved together."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in NARRATIVE_FIELDS:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=NARRATIVE_MAX,
                help_text=f"不超过 {NARRATIVE_MAX} 字。",
                widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
            )
        for key, label in ENTERED:
            if key == EnteredFigure.Key.FEES:
                value = forms.DecimalField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=4,
                    error_messages={"invalid": "请填写数字（单位：万元），如 1.25。"},
                )
            else:
                value = forms.IntegerField(
                    label=label, required=False, min_value=0, error_messages={"invalid": "请填写不小于 0 的整数。"}
                )
            self.fields[f"{key}_value"] = value
            self.fields[f"{key}_note"] = forms.CharField(
                label=f"{label}：数据来源",
                required=False,
                max_length=200,
                help_text="如：县市场监管局行政许可系统导出（2027-01-10）。",
            )

    def clean(self):
        data = super().clean()
        for key, label in ENTERED:
            if data.get(f"{key}_value") is not None and not (data.get(f"{key}_note") or "").strip():
                self.add_error(f"{key}_note", f"请写明“{label}”的数据来源。")
        return data

    def narrative(self) -> dict:
        return {key: self.cleaned_data[key] for key, _label in NARRATIVE_FIELDS}

    def entered(self) -> dict:
        from decimal import Decimal

        result = {}
        for key, _label in ENTERED:
            value = self.cleaned_data.get(f"{key}_value")
            if value is not None:
                result[key] = (Decimal(value), self.cleaned_data.get(f"{key}_note", ""))
        return result

    def narrative_fields(self):
        return [self[key] for key, _label in NARRATIVE_FIELDS]

    def entered_fields(self):
        return [(self[f"{key}_value"], self[f"{key}_note"]) for key, _label in ENTERED]


class PreviousForm(forms.Form):
    """First year on the platform: what last year's report said, typed from the paper copy."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in APPLICANT_KINDS:
            self.fields[f"carried_{key}"] = forms.IntegerField(
                label=f"上年“四、结转下年度继续办理”：{label}", min_value=0, initial=0
            )
        for key, label in zip(DOCUMENT_KINDS, ("规章", "行政规范性文件"), strict=True):
            self.fields[f"valid_{key}"] = forms.IntegerField(label=f"上年{label}现行有效件数", min_value=0, initial=0)
        self.fields["note"] = forms.CharField(
            label="数据来源", max_length=500, help_text="如：2025年度报告（纸质版，县政府网站已公开）。"
        )

    def carried_out(self) -> dict:
        return {key: self.cleaned_data[f"carried_{key}"] for key, _label in APPLICANT_KINDS}

    def valid(self) -> dict:
        return {key: self.cleaned_data[f"valid_{key}"] for key in DOCUMENT_KINDS}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=AnnualDecision.Outcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == AnnualDecision.Outcome.RETURNED and not (data.get("comment") or "").strip():
            self.add_error("comment", "退回年度报告时请填写退回意见，说明需要修改的地方。")
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2999, error_messages={"invalid": "请填写四位年份。"}
    )
