from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.models import Organisation
from disclosure import services
from disclosure.attachments import CheckedFile, attachment_check
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
    written; save() hands the checked file to `services.attachment_add_checked`, which
    enforces who may attach what and to which item, stores the checked bytes (images
    without EXIF) under a generated name and records the audit event. Give the acting user
    as ``by``, in the admin with ``ModelAdmin.get_formset_kwargs`` returning
    ``form_kwargs={"by": request.user}``. A stored attachment's file is not replaced in
    place: remove it (the inline's delete box, `services.attachment_remove`) and upload the
    new one; only its order changes here.
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
        self.checked = attachment_check(upload, defer_text=True)
        return upload

    def save(self, commit=True):
        if self.instance.pk is not None:
            return super().save(commit=commit)
        if not commit:
            raise ValueError("a new attachment is stored by services.attachment_add_checked; save with commit=True")
        self.instance = services.attachment_add_checked(
            item=self.instance.item, checked=self.checked, by=self.by, order=self.cleaned_data.get("order") or 0
        )
        return self.instance


class AttachmentFormSet(forms.BaseInlineFormSet):
    """The item's attachments: additions and removals go through the services, with their rules."""

    def delete_existing(self, obj, commit=True):
        if commit:
            services.attachment_remove(attachment=obj, by=self.form_kwargs.get("by"))


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
    # The idempotency key: the same form posted twice starts one import.
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = importable_organisations(user)
