"""Receipts and invoices kept with a ledger entry (models.Attachment). What a file is, is read
from its first bytes, never from its name or the browser's word: a PDF, a JPEG, a PNG or a
WebP picture; a picture is opened by Pillow to be sure it is one. Nothing here moves money."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ..models import ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_ENTRY, Attachment, AttachmentType
from .ledger import log_refusal
from .postings import lock_entry_rows

# Pillow refuses pictures past this many pixels (a "decompression bomb"): a phone photo is far below.
Image.MAX_IMAGE_PIXELS = 60_000_000


def sniff(data: bytes) -> str | None:
    """The file's type from its first bytes, or None for anything else."""
    if data.startswith(b"%PDF-"):
        return AttachmentType.PDF
    if data.startswith(b"\xff\xd8\xff"):
        return AttachmentType.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return AttachmentType.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return AttachmentType.WEBP
    return None


def _picture_opens(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def clean_name(name: str) -> str:
    """The file's name as shown and sent back: no folders, no control characters, at most 255."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or _("receipt")


@transaction.atomic
def attachment_add(*, user, transaction_id: int, name: str, data: bytes) -> Attachment:
    """Keep ``data`` with the entry (on its first row: a transfer's two legs and a split entry's
    parts share their files). Refused: another user's entry (``Transaction.DoesNotExist``),
    a staff correction, an empty or too large file, a type other than PDF, JPEG, PNG or WebP,
    more than ATTACHMENTS_PER_ENTRY on the entry."""
    rows = lock_entry_rows(user=user, transaction_id=transaction_id)
    anchor = rows[0]
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("This file is larger than %(size)s MB.") % {
            "size": ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    kind = sniff(data)
    if kind is None or (kind != AttachmentType.PDF and not _picture_opens(data)):
        log_refusal("attachment_type", user_id=user.pk, transaction_id=anchor.pk)
        raise ValidationError({"file": _("Keep a PDF or a photo (JPEG, PNG or WebP) here; this file is none of "
                                         "those.")})
    if Attachment.objects.filter(transaction=anchor).count() >= ATTACHMENTS_PER_ENTRY:
        raise ValidationError({"file": _("An entry keeps at most %(count)s files: delete one first.") % {
            "count": ATTACHMENTS_PER_ENTRY}})
    return Attachment.objects.create(owner=user, transaction=anchor, name=clean_name(name), content_type=kind,
                                     size=len(data), data=data)


@transaction.atomic
def attachment_delete(*, user, attachment_id: int) -> Attachment:
    """Remove one of the user's files (another user's id: ``Attachment.DoesNotExist``)."""
    attachment = Attachment.objects.select_for_update().defer("data").get(pk=attachment_id, owner=user)
    attachment.delete()
    return attachment
