"""Refuse oversized bodies before anything reads them (HTTP 413, JSON for the API)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

UPLOAD_TYPES = ("multipart/form-data", "text/csv", "application/octet-stream")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        content_type = request.META.get("CONTENT_TYPE", "")
        is_upload = content_type.startswith(UPLOAD_TYPES)
        limit = settings.MAX_REQUEST_BODY_BYTES if is_upload else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            message = f"The request body is too large ({length} bytes; the limit is {limit})."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain")
        return self.get_response(request)
