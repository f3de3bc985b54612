"""Receipts and invoices of an entry: kept from its edit page, downloaded, deleted. Another
customer's entry or file answers 404."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.uploads import limit_uploads

from . import services
from .forms import AttachmentForm
from .models import ATTACHMENT_MAX_BYTES, Attachment, Transaction
from .views import _own_entry


def _back(entry_id: int):
    return redirect(reverse("transactions:update", kwargs={"pk": entry_id}) + "#receipts")


@csrf_exempt  # the CSRF check runs below, once the upload's size limit is set
def attachment_upload(request, pk):
    limit_uploads(request, limit=ATTACHMENT_MAX_BYTES)
    return _attachment_upload(request, pk)


@csrf_protect
@require_POST
def _attachment_upload(request, pk):
    entry = _own_entry(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if request.upload_too_large:
        messages.error(request, _("This file is larger than %(size)s MB.") % {
            "size": ATTACHMENT_MAX_BYTES // (1024 * 1024)})
    elif not form.is_valid():
        messages.error(request, " ".join(form.errors.get("file", [])))
    else:
        upload = form.cleaned_data["file"]
        try:
            attachment = services.attachment_add(user=request.user, transaction_id=entry.pk, name=upload.name,
                                                 data=upload.read(ATTACHMENT_MAX_BYTES + 1))
        except Transaction.DoesNotExist:
            raise Http404("No such transaction.") from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” is kept with this entry.") % {"name": attachment.name})
    return _back(entry.pk)


@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment, pk=pk, owner=request.user)
    # Always as a download, in the type read from its bytes (never run or shown in our pages).
    return FileResponse(io.BytesIO(bytes(attachment.data)), as_attachment=True, filename=attachment.name,
                        content_type=attachment.content_type)


@require_http_methods(["GET", "POST"])
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.defer("data").select_related("transaction"), pk=pk,
                                   owner=request.user)
    if request.method == "POST":
        services.attachment_delete(user=request.user, attachment_id=attachment.pk)
        messages.success(request, _("“%(name)s” deleted.") % {"name": attachment.name})
        return _back(attachment.transaction_id)
    return render(request, "transactions/attachment_confirm_delete.html", {
        "attachment": attachment, "entry": attachment.transaction,
        "cancel_url": reverse("transactions:update", kwargs={"pk": attachment.transaction_id}) + "#receipts"})
