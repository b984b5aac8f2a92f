from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from blog.admin_views import authors_only, upload_image
from blog.caching import cache_for_anonymous
from blog.sitemaps import sitemaps
from blog.views import markdown_preview, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/markdownify/", authors_only(markdown_preview), name="markdownx_markdownify"),
    path("markdownx/upload/", authors_only(upload_image), name="markdownx_upload"),
    path("sitemap.xml", cache_for_anonymous(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("", include("counterpoints.urls")),
    path("", include("blog.urls")),
]

# Local development only (a no-op unless DEBUG): deployments serve media
# from their own domain, see README.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
