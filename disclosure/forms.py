from django import forms
from django.core.files import File
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from catalog.models import Organisation
from disclosure.attachments import CheckedFile, attachment_check, attachment_snapshot, generated_name
from disclosure.importing import importable_organisations
from disclosure.models import Attachment


class _StoredFileLink:
    def __init__(self, url: str, name: str):
        self.url = url
        self.name = name

    def __str__(self):
        return self.name


class AttachmentFileInput(forms.ClearableFileInput):
    """Shows a stored attachment by its original name, linked to the access-checked download.

    MEDIA_URL is never served directly, so the widget's usual link would lead nowhere.
    """

    def format_value(self, value):
        instance = getattr(value, "instance", None)
        if value and instance is not None and instance.pk:
            return _StoredFileLink(reverse("disclosure:attachment", args=[instance.pk]), instance.original_name)
        return super().format_value(value)


class AttachmentForm(forms.ModelForm):
    """An attachment upload, checked by content in clean(); for the item admin's inline.

    clean() runs `attachment_check`, so a refused upload is a field error and nothing is
    written; save() stores the checked bytes (images without EXIF) under a generated
    name and records the audit event. Give the acting user as ``by``, in the admin with
    ``ModelAdmin.get_formset_kwargs`` returning ``form_kwargs={"by": request.user}``.
    A stored attachment's file cannot be replaced, only reordered.
    """

    class Meta:
        model = Attachment
        fields = ["file", "order"]
        widgets = {"file": AttachmentFileInput}

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.checked: CheckedFile | None = None
        if self.instance.pk:
            self.fields["file"].disabled = True

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.instance.pk or upload is None:
            return upload
        self.checked = attachment_check(upload)
        # What is stored: the checked bytes (images re-encoded) under a generated name.
        return File(self.checked.data, name=generated_name(self.checked))

    def clean(self):
        cleaned_data = super().clean()
        if self.checked is not None:
            self.instance.original_name = self.checked.original_name
            self.instance.content_type = self.checked.content_type
            self.instance.size = self.checked.size
            self.instance.sha256 = self.checked.sha256
            self.instance.text = self.checked.text
        return cleaned_data

    def save(self, commit=True):
        adding = self.instance.pk is None
        attachment = super().save(commit=commit)
        if commit and adding:
            audit_record(
                actor=self.by,
                action="attachment.add",
                obj=attachment,
                organisation=attachment.item.organisation,
                after=attachment_snapshot(attachment),
                note=f"公开信息“{attachment.item}”",
            )
        return attachment


class ItemImportForm(forms.Form):
    """Upload of a spreadsheet of already-published items and a ZIP of their attachments."""

    organisation = forms.ModelChoiceField(label=_("导入到机构"), queryset=Organisation.objects.none(), empty_label=None)
    spreadsheet = forms.FileField(
        label=_("信息表格"),
        help_text=_("XLSX 或 CSV（UTF-8 或 GBK 编码）。第一行为列名：索引号、标题、目录分类、发布日期、成文日期等。"),
    )
    attachments = forms.FileField(
        label=_("附件压缩包"),
        required=False,
        help_text=_("ZIP 文件，内含表格“附件”列中列出的文件。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = importable_organisations(user)
