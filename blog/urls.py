from django.urls import path

from . import views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("posts/<slug:slug>/", views.post_detail, name="post-detail"),
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<slug:slug>/", views.TagPostListView.as_view(), name="tag-detail"),
    path("hindsight/", views.hindsight, name="hindsight"),
]
