"""Import pages: upload, column mapping, preview (tick, change categories, confirm or cancel),
the result, and undo. Every batch is looked up among the logged-in user's own (another
customer's id answers 404); every refusal is a message on the page, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.forms import add_service_errors
from apps.core.uploads import limit_uploads

from . import selectors, services
from .forms import MappingForm, UploadForm
from .models import ImportBatch, MappingProfile
from .parsers import MAX_FILE_BYTES
from .parsers.csv_file import ROLES, guess_mapping, preview_rows

Status = ImportBatch.Status


def _too_large() -> str:
    return _("This file is larger than %(size)s MB: split it into smaller files (one month or one account at a "
             "time).") % {"size": MAX_FILE_BYTES // (1024 * 1024)}


def _own_batch(request, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("account"), pk=pk, owner=request.user)


def _next_page(batch: ImportBatch):
    if batch.status == Status.MAPPING:
        return redirect("imports:columns", pk=batch.pk)
    return redirect("imports:detail", pk=batch.pk)


@csrf_exempt  # the CSRF check runs below, once the upload handlers are set
def import_start(request):
    limit_uploads(request, limit=MAX_FILE_BYTES)
    return _import_start(request)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _import_start(request):
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None, user=request.user)
    if request.method == "POST":
        if request.upload_too_large:
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", _too_large())
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_FILE_BYTES:
                form.add_error("file", _too_large())
            else:
                try:
                    batch = services.batch_upload(
                        user=request.user, file_name=upload.name, data=upload.read(),
                        account_id=getattr(form.cleaned_data["account"], "pk", None),
                        profile_id=getattr(form.cleaned_data["profile"], "pk", None),
                        date_format=form.cleaned_data["date_format"])
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    if batch.status == Status.MAPPING:
                        messages.info(request, _("Choose which column holds what."))
                    return _next_page(batch)
        messages.error(request, _("The file could not be imported: see the message below."))
    return render(request, "imports/start.html", {
        "form": form, "batches": selectors.batch_list(user=request.user)[:50],
        "profiles": selectors.profile_list(user=request.user),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def batch_columns(request, pk):
    batch = _own_batch(request, pk)
    if batch.status not in (Status.MAPPING, Status.PREVIEWED) or batch.format != "csv" or batch.content is None:
        return _next_page(batch) if batch.status != Status.MAPPING else redirect("imports:start")
    header, sample = preview_rows(bytes(batch.content))
    saved = {role: str(c) for role, c in batch.mapping.items() if role in ROLES and isinstance(c, int)}
    initial = saved or {role: str(c) for role, c in guess_mapping(header, sample).items()}
    initial.setdefault("date_format", batch.mapping.get("date_format", "auto"))
    initial.setdefault("decimal", batch.mapping.get("decimal", "auto"))
    if batch.account_id:
        initial["statement_account"] = batch.account_id
    form = MappingForm(request.POST or None, user=request.user, header=header, initial=initial)
    if batch.last_error and request.method == "GET":
        form.add_error("date_format", batch.last_error)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_map(
                user=request.user, batch_id=batch.pk, roles=form.roles(),
                date_format=form.cleaned_data["date_format"], decimal=form.cleaned_data["decimal"],
                account_id=getattr(form.cleaned_data["statement_account"], "pk", None),
                profile_name=form.cleaned_data["profile_name"])
        except ValidationError as error:
            add_service_errors(form, error, {"account": "statement_account"})
        else:
            if form.cleaned_data["profile_name"]:
                messages.success(request, _("Mapping saved as “%(name)s”: it will be used for the next file with "
                                            "these columns.") % {"name": form.cleaned_data["profile_name"]})
            return redirect("imports:detail", pk=batch.pk)
    if form.errors:
        messages.error(request, _("Please correct the errors below."))
    return render(request, "imports/columns.html", {
        "batch": batch, "form": form, "header": header, "sample": sample,
        "role_fields": [form[role] for role in ROLES],
    }, status=400 if form.errors and request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def batch_detail(request, pk):
    """The preview of a batch not yet posted, or the result of one posted or undone."""
    batch = _own_batch(request, pk)
    if batch.status == Status.MAPPING:
        return redirect("imports:columns", pk=batch.pk)
    if request.method == "POST":
        return _preview_post(request, batch)
    page = selectors.preview_page(batch=batch, page=request.GET.get("page"))
    check = selectors.statement_check(batch=batch)
    return render(request, "imports/detail.html", {
        "batch": batch, "page_obj": page, "counts": selectors.outcome_counts(batch=batch),
        "categories": selectors.category_choices(user=request.user),
        "selectable": {row.pk for row in page if services.is_selectable(row)},
        "unknown_refs": selectors.unknown_account_refs(batch=batch) if batch.status == Status.PREVIEWED else [],
        "accounts": selectors.open_accounts(user=request.user),
        "check": check, "balancing": selectors.balancing_rows(batch=batch, check=check),
    })


def _preview_post(request, batch):
    action = request.POST.get("action", "save")
    if action == "cancel":
        try:
            services.batch_cancel(user=request.user, batch_id=batch.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Import of “%(file)s” cancelled: nothing was imported.") % {
                "file": batch.file_name})
        return redirect("imports:start")
    try:
        row_ids = [int(i) for i in request.POST.getlist("row")]
        selected = [int(i) for i in request.POST.getlist("keep")]
        categories = {int(k[len("category_"):]): v for k, v in request.POST.items()
                      if k.startswith("category_") and v}
    except ValueError:
        messages.error(request, _("The form was not sent correctly: please try again."))
        return redirect("imports:detail", pk=batch.pk)
    try:
        services.preview_update(user=request.user, batch_id=batch.pk, row_ids=row_ids, selected_ids=selected,
                                categories=categories)
        if action == "confirm":
            batch = services.batch_confirm(user=request.user, batch_id=batch.pk)
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(f"{reverse('imports:detail', args=[batch.pk])}?page={request.POST.get('page', 1)}")
    if action == "confirm":
        messages.success(request, ngettext("Imported %(count)s entry from “%(file)s”.",
                                           "Imported %(count)s entries from “%(file)s”.", batch.posted_count)
                         % {"count": batch.posted_count, "file": batch.file_name})
        return redirect("imports:detail", pk=batch.pk)
    messages.success(request, _("Your choices on this page are saved."))
    page = request.POST.get("goto") or request.POST.get("page") or 1
    return redirect(f"{reverse('imports:detail', args=[batch.pk])}?page={page}")


@require_POST
def batch_accounts(request, pk):
    """Which account each unknown reference of a multi-account file means."""
    batch = _own_batch(request, pk)
    refs = request.POST.getlist("ref")
    chosen = request.POST.getlist("ref_account")
    try:
        services.batch_map_accounts(user=request.user, batch_id=batch.pk, choices=dict(zip(refs, chosen, strict=False)))
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [_("Choose one of your accounts.")])))
    else:
        messages.success(request, _("Accounts matched: the rows were read again."))
    return redirect("imports:detail", pk=batch.pk)


@require_http_methods(["GET", "POST"])
def batch_undo(request, pk):
    batch = _own_batch(request, pk)
    if batch.status != Status.POSTED:
        messages.error(request, _("Only an import that is in your transactions can be undone."))
        return redirect("imports:detail", pk=batch.pk)
    if request.method == "POST":
        try:
            services.batch_undo(user=request.user, batch_id=batch.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("imports:detail", pk=batch.pk)
        messages.success(request, ngettext("Import of “%(file)s” undone: its %(count)s entry is removed.",
                                           "Import of “%(file)s” undone: its %(count)s entries are removed.",
                                           batch.posted_count) % {"file": batch.file_name, "count": batch.posted_count})
        return redirect("imports:start")
    return render(request, "imports/undo_confirm.html", {"batch": batch,
                                                         "receipts": selectors.receipts_count(batch=batch)})


@require_POST
def profile_delete(request, pk):
    profile = get_object_or_404(MappingProfile, pk=pk, owner=request.user)
    services.profile_delete(user=request.user, profile_id=profile.pk)
    messages.success(request, _("Mapping “%(name)s” deleted.") % {"name": profile.name})
    return redirect("imports:start")
