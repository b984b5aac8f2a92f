from django.http import HttpResponsePermanentRedirect

from .services import find_redirect

# WordPress's own addresses for a post or page by id: /?p=123, /?page_id=45.
# They land on a page that exists (the home page), so no 404 ever reveals them.
ID_PARAMETERS = ("p", "page_id")


class RedirectFallbackMiddleware:
    """A 404 whose path (or path and query, for /?p=123) has moved answers 301 instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            for name in ID_PARAMETERS:
                if name in request.GET:
                    target = find_redirect(f"{request.path}?{name}={request.GET[name]}"[:500])
                    if target:
                        return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        for path in (request.get_full_path(), request.path):
            target = find_redirect(path)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
