"""
Error pages that never make a bad request worse.

- Django's default handlers are wrapped in ``requires_csrf_token``, which
  reads request.POST again: a body that could not be parsed the first time
  (a form claiming UTF-16, say) then fails inside the error handler and the
  reader gets the server's bare 500. These render the site's own templates
  without touching the body.
- An error raised early (a disallowed Host header, caught while the page
  cache builds its key) never reaches the CSP and clickjacking middleware,
  so the handlers set those headers themselves.
"""

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _secured(response):
    response.setdefault(CSP_HEADER, build_policy())
    response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


def bad_request(request, exception):
    return _secured(render(request, "400.html", status=400))


def permission_denied(request, exception):
    return _secured(render(request, "403.html", status=403))


def page_not_found(request, exception):
    return _secured(render(request, "404.html", status=404))


def server_error(request):
    # No request context: whatever failed may fail again while rendering it.
    return _secured(HttpResponseServerError(loader.get_template("500.html").render()))
