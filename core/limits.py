"""
Bounded cost for requests from readers. A reader never sends a file and
never sends more than a counterpoint's worth of text, so a request from
anyone who is not signed in as staff is refused before Django parses it
when it is larger than READER_MAX_BODY_BYTES (413), and a multipart body
from them is parsed with an upload handler that stops at the first file
part: nothing is streamed to a temporary file. Staff (the admin, image
uploads) keep Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, and the
checks in blog/images.py).

It sits after AuthenticationMiddleware and before any view reads
request.POST (CsrfViewMiddleware reads it in process_view, after this).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils.translation import gettext

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ReaderRequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS and not _is_staff(request):
            refusal = _refusal(request)
            if refusal is not None:
                status, reason = refusal
                response = render(request, "400.html", {"reason": reason}, status=status)
                # The unread body is still on the wire: do not reuse the connection.
                response["Connection"] = "close"
                return response
            request.upload_handlers = [NoFiles(request)]
        return self.get_response(request)


class NoFiles(FileUploadHandler):
    """Readers send no files: parsing stops at the first file part."""

    def new_file(self, *args, **kwargs):
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


def _is_staff(request):
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


def _refusal(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400, gettext("Its length could not be read.")
    if length > settings.READER_MAX_BODY_BYTES:
        return 413, gettext("It was larger than anything a reader sends here.")
    return None
