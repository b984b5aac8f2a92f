"""
Absolute URLs come from SITE_URL, never from the request's Host header: a
request with a forged Host must not be able to put its own domain into a
feed, the sitemap, robots.txt or a mail, least of all into a cached copy
that other readers then receive.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed


def site_domain():
    return urlsplit(settings.SITE_URL).netloc


def site_scheme():
    return urlsplit(settings.SITE_URL).scheme or "https"


class _AtSiteURL:
    """The request as Django's syndication code reads it, but at SITE_URL."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_host(self):
        return site_domain()

    def is_secure(self):
        return site_scheme() == "https"


class SiteFeed(Feed):
    """A feed whose links and ids are absolute URLs on SITE_URL."""

    def get_feed(self, obj, request):
        return super().get_feed(obj, _AtSiteURL(request))


class SiteSitemap(Sitemap):
    """A sitemap whose locations are absolute URLs on SITE_URL."""

    def get_domain(self, site=None):
        return site_domain()

    def get_protocol(self, protocol=None):
        return site_scheme()
