"""Forms: the public application form, the status lookup, and the staff action forms.

The forms only parse input; `applications.services` checks it again (every rule lives there,
`clean_details` is shared) so a forged request is refused like a bad form.
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from applications.models import DeliveryMeans, FormWanted, IdType, Remedy
from applications.services.answers import ANSWER_OUTCOMES
from applications.services.clock import MAX_EXTENSION_DAYS
from applications.services.intake import clean_details
from catalog.models import Organisation
from disclosure.attachments import attachment_check

KIND_CHOICES = [("natural", "自然人"), ("organisation", "法人或其他组织")]
ORG_KIND_CHOICES = [
    ("", "（法人或其他组织请选择）"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other", "其他"),
]
DETAIL_FIELDS = [
    "applicant_name",
    "id_type",
    "id_number",
    "legal_representative",
    "contact_person",
    "work_unit",
    "phone",
    "address",
    "postcode",
    "email",
    "description",
    "document_title",
    "document_number",
    "other_features",
    "form_wanted",
    "delivery_wanted",
    "needs_help",
]
# Generous browser limits: the server refuses (with the count) what is too long, instead of cutting.
BROWSER_MAX = 200_000


def _text(label, *, required=False, textarea=False, help_text=""):
    widget = forms.Textarea(attrs={"rows": 6}) if textarea else forms.TextInput()
    return forms.CharField(
        label=label, required=False, widget=widget, help_text=help_text, max_length=BROWSER_MAX, strip=True
    )


class ApplicationForm(forms.Form):
    """The applicant's details (Art. 29). Required fields are checked in `clean` for one message style."""

    kind = forms.ChoiceField(label="申请人类型", choices=KIND_CHOICES, widget=forms.RadioSelect, initial="natural")
    organisation_kind = forms.ChoiceField(label="法人或其他组织的类别", choices=ORG_KIND_CHOICES, required=False)
    applicant_name = _text("姓名或名称")
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = _text("证件号码", help_text="居民身份证号 18 位；法人或其他组织填写 18 位统一社会信用代码。")
    legal_representative = _text("法定代表人（法人或其他组织填写）")
    contact_person = _text("联系人（法人或其他组织填写）")
    work_unit = _text("工作单位（选填）")
    phone = _text("联系电话")
    address = _text("通信地址")
    postcode = _text("邮政编码（选填）")
    email = forms.CharField(label="电子邮箱（选填）", required=False, max_length=254)
    description = _text(
        "所需信息的内容描述",
        textarea=True,
        help_text="请尽量写明信息的名称、文号或者便于查询的其他特征，最多 2000 字。",
    )
    document_title = _text("信息名称（选填）")
    document_number = _text("文号（选填）")
    other_features = _text("其他特征（选填）")
    form_wanted = forms.ChoiceField(label="获取信息的载体形式", choices=FormWanted.choices, initial=FormWanted.PAPER)
    delivery_wanted = forms.ChoiceField(
        label="获取信息的方式", choices=DeliveryMeans.choices, initial=DeliveryMeans.POST
    )
    needs_help = forms.BooleanField(label="我在阅读、视听等方面有困难，需要帮助（条例第四十三条）", required=False)
    id_scan = forms.FileField(
        label="身份证明扫描件（选填）",
        required=False,
        help_text="PDF 或图片，只有办理申请的工作人员能看到。",
    )
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())

    def clean_email(self):
        value = (self.cleaned_data.get("email") or "").strip()
        if value:
            forms.EmailField().clean(value)
        return value

    def clean_id_scan(self):
        upload = self.cleaned_data.get("id_scan")
        return attachment_check(upload) if upload else None

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        applicant_kind = "natural" if kind == "natural" else (data.get("organisation_kind") or "")
        if kind == "organisation" and not applicant_kind:
            self.add_error("organisation_kind", "请选择法人或其他组织的类别。")
            return data
        details = {name: data.get(name) for name in DETAIL_FIELDS if name not in self.errors}
        details["applicant_kind"] = applicant_kind
        try:
            data["details"] = clean_details(details)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field == "applicant_kind":
                    field = "kind"
                if field not in self.errors:
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return data


class RegisterForm(ApplicationForm):
    """Staff register an application received by letter, fax, e-mail, in person or orally."""

    CHANNELS = [
        ("letter", "信函"),
        ("fax", "传真"),
        ("email", "电子邮件"),
        ("in_person", "当面提交"),
        ("oral", "口头申请（工作人员代为填写）"),
    ]
    organisation = forms.ModelChoiceField(label="受理机关", queryset=Organisation.objects.none())
    channel = forms.ChoiceField(label="申请方式", choices=CHANNELS)
    received_on = forms.DateField(
        label="收到日期", help_text="当面提交为当日；邮寄为签收之日；传真、电子邮件为双方确认之日。"
    )
    token = None

    field_order = ["organisation", "channel", "received_on"]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("token", None)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )


class StatusLookupForm(forms.Form):
    number = forms.CharField(label="申请编号", max_length=40)
    code = forms.CharField(label="查询码", max_length=20)


# --- staff actions ----------------------------------------------------------------


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(VersionForm):
    received_on = forms.DateField(label="确认收到日期", required=False, help_text="留空为今天。")


class VoidForm(VersionForm):
    reason = forms.CharField(label="作废原因", max_length=200)


class CorrectionForm(VersionForm):
    missing = forms.CharField(
        label="需要补正的事项（一次性告知）", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    until = forms.DateField(label="补正期限", help_text="请给出合理的期限。")
    on = forms.DateField(label="发出日期", required=False, help_text="留空为今天。")


class DayForm(VersionForm):
    on = forms.DateField(label="日期", required=False, help_text="留空为今天。")
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ThirdPartyForm(VersionForm):
    party = forms.CharField(label="第三方名称", max_length=100)
    on = forms.DateField(label="发函日期", required=False, help_text="留空为今天。")


class ExtendForm(VersionForm):
    days = forms.IntegerField(
        label="延长工作日数", min_value=1, max_value=MAX_EXTENSION_DAYS, initial=MAX_EXTENSION_DAYS
    )
    reason = forms.CharField(label="延期理由", max_length=500)


class FeeForm(VersionForm):
    amount = forms.DecimalField(label="信息处理费（元）", min_value=0.01, max_digits=9, decimal_places=2)
    basis = forms.CharField(label="计费依据", max_length=500, help_text="按件或按量计收（国办函〔2020〕109号）。")


class AnswerForm(VersionForm):
    outcome = forms.ChoiceField(label="办理结果", choices=[("", "—— 请选择 ——"), *ANSWER_OUTCOMES])
    explanation = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    legal_basis = forms.CharField(label="法律依据", required=False, max_length=500)
    published_index_number = forms.CharField(
        label="已公开信息的索引号（已主动公开时填写）", required=False, max_length=60
    )
    holder_name = forms.CharField(label="掌握该信息的机关（本机关不掌握时填写）", required=False, max_length=100)
    holder_organisation = forms.ModelChoiceField(
        label="转办至本平台机构（选填）", required=False, queryset=Organisation.objects.none()
    )
    files = forms.FileField(label="公开的文件（选填，可多次上传）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder_organisation"].queryset = Organisation.objects.filter(is_active=True).exclude(
            kind=Organisation.Kind.OFFICE
        )

    def clean_files(self):
        upload = self.cleaned_data.get("files")
        return [attachment_check(upload)] if upload else []


class DecideForm(VersionForm):
    findings_checked = forms.BooleanField(label="已核对公开文件中的个人信息", required=False)
    comment = forms.CharField(label="退回意见", required=False, max_length=500)


class DeliverForm(VersionForm):
    means = forms.ChoiceField(label="送达方式", choices=DeliveryMeans.choices)
    on = forms.DateField(label="送达日期", required=False, help_text="留空为今天。")


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Remedy.Kind.choices)
    body = forms.CharField(label="复议机关或法院", max_length=100)
    filed_on = forms.DateField(label="申请或起诉日期")
    result = forms.ChoiceField(label="结果", choices=Remedy.Result.choices, initial="pending")
    decided_on = forms.DateField(label="审结日期", required=False)
    note = forms.CharField(label="备注", required=False, max_length=500)


class RemedyDecideForm(forms.Form):
    """The result of a pending review or lawsuit, recorded on its own row of the remedies table."""

    remedy = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label="结果", choices=[(code, label) for code, label in Remedy.Result.choices if code != "pending"]
    )
    decided_on = forms.DateField(label="审结日期")


class ProposeForm(forms.Form):
    category = forms.ModelChoiceField(label="发布到栏目", queryset=None)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from catalog.models import Category

        self.fields["category"].queryset = Category.objects.filter(organisation=organisation, is_active=True)
