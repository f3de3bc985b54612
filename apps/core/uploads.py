"""Uploads with a size limit that a view sets for itself (a statement import, a receipt): the
reading stops at the first chunk past the limit, before the file is all in memory or on disk,
and the view says so on its form. Other pages keep the settings' limits."""

from __future__ import annotations

from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)

# What a multipart body carries besides the file (boundaries, headers, the other fields).
_FORM_OVERHEAD = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload past ``limit`` bytes and sets ``request.upload_too_large``."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Raising here would escape the parser (a 500): the first chunk past the limit stops it.
        self.request.upload_too_large = content_length > self.limit + _FORM_OVERHEAD

    def receive_data_chunk(self, raw_data, start):
        if self.request.upload_too_large or start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, *, limit: int) -> None:
    """Call first in a ``csrf_exempt`` view (the CSRF check reads the body: run it after this):
    the request's uploads stop at ``limit`` bytes, ``request.upload_too_large`` says whether
    they did."""
    request.upload_too_large = False
    request.upload_handlers = [SizeLimitUploadHandler(request, limit=limit), MemoryFileUploadHandler(request),
                               TemporaryFileUploadHandler(request)]
