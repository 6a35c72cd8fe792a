from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Channel, Obligation, Organisation


class ObligationForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("公开渠道和载体"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Obligation
        fields = [
            "organisation",
            "category",
            "code",
            "order",
            "first_level",
            "second_level",
            "content_elements",
            "legal_basis",
            "time_limit_kind",
            "time_limit_days",
            "period",
            "responsible_body",
            "channels",
            "audience",
            "mode",
            "level",
            "expected_frequency",
            "is_active",
        ]
        widgets = {
            "content_elements": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "legal_basis": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }


class CatalogImportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("导入到哪个机构的目录"), queryset=Organisation.objects.none())
    file = forms.FileField(
        label=_("目录文件"),
        help_text=_(
            "Excel 工作簿（.xlsx）或 CSV UTF-8 文件，列为：序号、一级事项、二级事项、公开内容(要素)、公开依据、"
            "公开时限、公开主体、公开渠道和载体、公开对象、公开方式、公开层级；可先导出现有目录作为模板。"
        ),
    )
    default_category = forms.ModelChoiceField(
        label=_("没有“目录类别编码”列时导入到"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("县里下发的目录没有类别列时，选择把事项放进哪个类别。"),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["default_category"].queryset = Category.objects.filter(
            organisation__in=organisations, is_active=True
        ).select_related("organisation")
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CATALOG_IMPORT_MAX_BYTES
        if upload.size > limit:
            # Refused on the declared size, before a byte of it is read.
            raise forms.ValidationError(
                _("文件大小 %(size).1f MB，超过上限 %(limit).0f MB，未读取。")
                % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        category, organisation = cleaned.get("default_category"), cleaned.get("organisation")
        if category and organisation and category.organisation_id != organisation.pk:
            self.add_error("default_category", _("请选择该机构自己的目录类别。"))
        return cleaned


class CatalogAdoptForm(forms.Form):
    township = forms.ModelChoiceField(label=_("采用目录的乡镇/部门"), queryset=Organisation.objects.none())
    template_org = forms.ModelChoiceField(label=_("模板目录"), queryset=Organisation.objects.none())

    def __init__(self, *args, townships, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["template_org"].queryset = templates
        if len(townships) == 1:
            self.fields["township"].initial = townships[0]
        if len(templates) == 1:
            self.fields["template_org"].initial = templates[0]
