import uuid
from urllib.parse import quote

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from catalog.access import can_view
from disclosure.forms import ItemImportForm
from disclosure.import_jobs import import_job_start
from disclosure.models import Attachment, ImportJob, Item
from township_portal.lib.files import file_unavailable


def attachment_download(request, pk):
    """Serve an attachment under its original name, never inline and never sniffed.

    Public while the item is published; a withdrawn item's files answer 410; otherwise
    only staff who may see the item's organisation get the file, everyone else a 404.
    """
    attachment = get_object_or_404(Attachment.objects.select_related("item__organisation"), pk=pk)
    item = attachment.item
    public = item.status == Item.Status.PUBLISHED
    if not public and not (request.user.is_staff and can_view(request.user, item.organisation_id)):
        if item.status == Item.Status.WITHDRAWN:
            return render(request, "disclosure/attachment_gone.html", {"item": item}, status=410)
        raise Http404

    etag = f'"{attachment.sha256}"'
    last_modified = attachment.uploaded_at.timestamp()
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        try:
            stream = attachment.file.open("rb")
        except OSError:  # the row is there, its file is not (a restore without MEDIA_ROOT)
            return file_unavailable(request, name=attachment.file.name)
        response = FileResponse(stream, content_type=attachment.content_type)
    response.headers["Content-Disposition"] = _content_disposition(attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    # Revalidate every time: a published item can still be withdrawn.
    patch_cache_control(response, no_cache=True, **({"public": True} if public else {"private": True}))
    return response


def _content_disposition(attachment: Attachment) -> str:
    """RFC 6266 with an ASCII fallback for old clients and the real name in RFC 5987 form."""
    name = attachment.original_name
    fallback = name if name.isascii() and name.isprintable() and '"' not in name and "\\" not in name else None
    if fallback is None:
        extension = name.rpartition(".")[2] if "." in name else ""
        fallback = f"attachment-{attachment.pk}.{extension}" if extension.isascii() and extension else "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@staff_member_required
def item_import(request):
    """Bulk import of items already published on a township's old site (机构管理员 only), run by the worker."""
    form = ItemImportForm(request.POST or None, request.FILES or None, user=request.user, initial={"key": uuid.uuid4()})
    if not form.fields["organisation"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        job = import_job_start(
            organisation=form.cleaned_data["organisation"],
            spreadsheet=form.cleaned_data["spreadsheet"],
            attachments=form.cleaned_data["attachments"],
            by=request.user,
            key=form.cleaned_data["key"],
        )
        return redirect("disclosure:item_import_job", job.pk)
    context = {**admin.site.each_context(request), "title": "批量导入已发布信息", "form": form}
    return render(request, "disclosure/item_import_form.html", context)


@staff_member_required
def item_import_job(request, pk):
    """One import's page: its progress while the worker runs it (the page reloads itself), then its result."""
    job = get_object_or_404(ImportJob, pk=pk, requested_by=request.user)
    context = {**admin.site.each_context(request), "title": f"批量导入：{job.spreadsheet_name}", "job": job}
    return render(request, "disclosure/item_import_job.html", context)
