from django.http import HttpResponsePermanentRedirect

from .services import find_redirect


class RedirectFallbackMiddleware:
    """A 404 whose path (or path and query, for /?p=123) has moved answers 301 instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        for path in (request.get_full_path(), request.path):
            target = find_redirect(path)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
