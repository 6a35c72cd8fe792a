import re

from django import forms
from django.conf import settings
from django.utils import timezone

from catalog.models import Organisation
from mailbox.models import Message
from mailbox.validators import NAME_MAX, SUBJECT_MAX, validate_body_size, validate_phone, validate_plain_text

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class _MessageFields(forms.Form):
    kind = forms.ChoiceField(label="留言类型", choices=Message.Kind.choices, widget=forms.RadioSelect)
    subject = forms.CharField(
        label="主题",
        max_length=SUBJECT_MAX,
        validators=[validate_plain_text],
        error_messages={"required": "请填写主题。", "max_length": f"主题最多{SUBJECT_MAX}个字。"},
    )
    body = forms.CharField(
        label="留言内容",
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_plain_text, validate_body_size],
        strip=True,
        error_messages={"required": "请填写留言内容。"},
    )
    writer_name = forms.CharField(
        label="姓名",
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[validate_plain_text],
        error_messages={"required": "请填写姓名。", "max_length": f"姓名最多{NAME_MAX}个字。"},
    )
    writer_phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        validators=[validate_phone],
        help_text="仅用于联系您，不会公开。",
        error_messages={"required": "请填写联系电话。", "max_length": "请填写正确的联系电话。"},
    )
    writer_email = forms.EmailField(
        label="电子邮箱（选填）",
        required=False,
        max_length=254,
        error_messages={"invalid": "请填写正确的电子邮箱，或留空。"},
    )
    may_publish = forms.BooleanField(
        label="同意在“公众留言”栏目公开本留言及答复（姓名隐去，电话、邮箱不公开）",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "请选择留言类型。"
        self.fields["body"].help_text = f"最多{settings.MAILBOX_MAX_CHARS}字。请勿填写身份证号等与诉求无关的个人信息。"
        self.fields["body"].widget.attrs["maxlength"] = settings.MAILBOX_MAX_CHARS


class WriteForm(_MessageFields):
    """The public form; `website` is a honeypot that people never see and bots fill in."""

    website = forms.CharField(label="网址（请勿填写）", required=False)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("提交未成功：请将“网址”一栏留空。")
        return ""

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not TOKEN.fullmatch(token):
            raise forms.ValidationError("页面已过期，请重新提交。")
        return token


class RecordForm(_MessageFields):
    """Staff recording a call to the supervision line or a letter."""

    organisation = forms.ModelChoiceField(label="受理机构", queryset=Organisation.objects.none())
    channel = forms.ChoiceField(
        label="来源渠道", choices=[(Message.Channel.PHONE, "监督投诉电话"), (Message.Channel.LETTER, "来信")]
    )
    received_on = forms.DateField(label="收到日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["writer_phone"].help_text = "来电号码或信中留下的电话，不会公开。"
        self.fields["may_publish"].label = "来电人/来信人同意公开本留言及答复"
        self.order_fields(["organisation", "channel", "received_on"])


class StatusForm(forms.Form):
    number = forms.CharField(label="留言编号", max_length=20, error_messages={"required": "请填写留言编号。"})
    code = forms.CharField(label="查询码", max_length=20, error_messages={"required": "请填写查询码。"})
