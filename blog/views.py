from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView
from taggit.models import Tag

from counterpoints.forms import CounterpointForm
from counterpoints.models import approved_counterpoints_prefetch

from .models import Hindsight, Post, Verdict


class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.POSTS_PER_PAGE

    def get_queryset(self):
        return Post.objects.published().for_listing()


class TagPostListView(PostListView):
    template_name = "blog/tag_detail.html"

    def get_queryset(self):
        # A tag that only drafts carry is not public yet: 404, not an empty page.
        self.tag = get_object_or_404(
            Tag.objects.filter(blog_taggedpost_items__content_object__in=Post.objects.published()).distinct(),
            slug=self.kwargs["slug"],
        )
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


def post_page_queryset(user):
    """Posts with everything their page shows, in a fixed number of queries."""
    return (
        Post.objects.visible_to(user)
        .select_related("author")
        .prefetch_related(
            "tags",
            Prefetch("hindsights", queryset=Hindsight.objects.order_by("-decided_at", "-pk")),
            approved_counterpoints_prefetch(),
        )
    )


def post_detail(request, slug):
    post = get_object_or_404(post_page_queryset(request.user), slug=slug)
    return render_post_page(request, post)


def render_post_page(request, post, *, counterpoint_form=None, status=200):
    """The post page; the counterpoint view re-renders it with a bound form."""
    verdicts = list(post.hindsights.all())
    return render(
        request,
        "blog/post_detail.html",
        {
            "post": post,
            "hindsight": verdicts[0] if verdicts else None,
            "earlier_verdicts": verdicts[1:],
            "counterpoints": post.approved_counterpoints,
            "counterpoint_form": counterpoint_form or CounterpointForm(post=post),
        },
        status=status,
    )


def tag_list(request):
    published = Post.objects.published()
    tags = (
        Tag.objects.annotate(
            post_count=Count(
                "blog_taggedpost_items",
                filter=Q(blog_taggedpost_items__content_object__in=published),
            )
        )
        .filter(post_count__gt=0)
        .order_by("-post_count", "name")
    )
    return render(request, "blog/tag_list.html", {"tags": tags})


def hindsight(request):
    """The track record: every judged post, grouped by its current verdict."""
    judged = Post.objects.published().for_listing().filter(current_verdict__isnull=False)
    by_verdict = {verdict: [] for verdict in Verdict.values}
    for post in judged:
        by_verdict[post.current_verdict].append(post)
    groups = [
        {"verdict": verdict, "label": label, "posts": by_verdict[verdict]}
        for verdict, label in Verdict.choices
    ]
    return render(
        request,
        "blog/hindsight.html",
        {"groups": groups, "judged_count": sum(len(g["posts"]) for g in groups)},
    )
