from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from blog.admin_views import authors_only, tag_suggestions, upload_image
from blog.sitemaps import sitemaps as blog_sitemaps
from blog.views import markdown_preview, robots_txt
from core.caching import cacheable_for_anonymous
from core.login import ThrottledAuthenticationForm
from counterpoints.sitemaps import CounterpointSitemap

# The admin is the author's desk: it carries the site's name.
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Writing desk"

admin.site.login_form = ThrottledAuthenticationForm

sitemaps = {**blog_sitemaps, "counterpoints": CounterpointSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/markdownify/", authors_only(markdown_preview), name="markdownx_markdownify"),
    path("markdownx/upload/", authors_only(upload_image), name="markdownx_upload"),
    path("editor/tags/", authors_only(tag_suggestions), name="editor-tag-suggestions"),
    path(
        "sitemap.xml", cacheable_for_anonymous(sitemap, query=["p"]), {"sitemaps": sitemaps}, name="sitemap"
    ),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("", include("counterpoints.urls")),
    path("", include("claims.urls")),
    path("", include("blog.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

# Local development only (a no-op unless DEBUG): deployments serve media
# from their own domain, see README.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
