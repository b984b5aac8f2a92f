from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from blog.sitemaps import sitemaps
from blog.uploads import upload_image
from blog.views import markdown_preview, robots_txt
from core.caching import cache_for_anonymous
from core.login import ThrottledAuthenticationForm


def staff_only(view):
    """markdownx's endpoints answer anyone by default; ours answer staff only."""

    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


admin.site.login_form = ThrottledAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/markdownify/", staff_only(markdown_preview), name="markdownx_markdownify"),
    path("markdownx/upload/", staff_only(upload_image), name="markdownx_upload"),
    path("sitemap.xml", cache_for_anonymous(sitemap, query=["p"]), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("", include("counterpoints.urls")),
    path("", include("blog.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

# Local development only (a no-op unless DEBUG): deployments serve media
# from their own domain, see README.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
