from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from counterpoints.forms import CounterpointForm
from counterpoints.models import Counterpoint

from .caching import cache_for_anonymous, fragment_cache
from .markup import render_post_markdown
from .models import Post, Verdict, published_tags, tags_in_use
from .scorecard import judged_posts, track_record
from .search import MAX_QUERY_LENGTH, clean_query, search_posts, verdict_facets


@method_decorator(cache_for_anonymous, name="dispatch")
class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = settings.POSTS_PER_PAGE

    def get_queryset(self):
        return Post.objects.published().for_listing()


class TagPostListView(PostListView):
    template_name = "blog/tag_detail.html"

    def get(self, request, *args, **kwargs):
        # A tag that only drafts carry is not public yet: 404, not an empty page.
        tags = tags_in_use().select_related("description")
        self.tag = tags.filter(slug=kwargs["slug"]).first()
        if self.tag is None:
            # /tags/NVIDIA/ finds "nvidia": one address per tag, the others 301.
            tag = get_object_or_404(tags, slug__iexact=kwargs["slug"])
            return redirect("blog:tag-detail", slug=tag.slug, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


def post_page_queryset(user):
    """The posts whose page ``user`` may see."""
    return Post.objects.visible_to(user).select_related("author")


def post_detail(request, slug):
    post = get_object_or_404(post_page_queryset(request.user), slug=slug)
    return render_post_page(request, post)


def render_post_page(request, post, *, counterpoint_form=None, status=200):
    """
    The post page; the counterpoint view re-renders it with a bound form.

    Tags, verdicts and counterpoints are passed as unevaluated QuerySets:
    each is one query, run only when the template renders the cached
    fragment that shows it, so a cache hit costs the post and nothing more.
    """
    return render(
        request,
        "blog/post_detail.html",
        {
            "post": post,
            "tags": post.tags.all(),
            # Credits unordered (the template sorts the few there are): with an
            # ORDER BY, SQLite walks every approved counterpoint to find them.
            "verdicts": post.hindsights.order_by("-decided_at", "-pk").prefetch_related(
                Prefetch("credited", queryset=Counterpoint.objects.approved().order_by())
            ),
            "counterpoints": Counterpoint.objects.approved().for_post_page(post),
            "counterpoint_form": counterpoint_form or CounterpointForm(post=post),
            **fragment_cache(request),
        },
        status=status,
    )


@cache_for_anonymous
def tag_list(request):
    tags = published_tags().order_by("-post_count", "name")
    return render(request, "blog/tag_list.html", {"tags": tags})


@cache_for_anonymous
def hindsight(request):
    """
    The track record: verdict counts overall, per year and per tag, and the
    newest judged posts of each verdict; ``?verdict=`` lists all of one
    verdict's posts, page by page. ``?tag=`` narrows either to one tag.
    """
    tag = None
    if request.GET.get("tag"):
        tag = get_object_or_404(tags_in_use(), slug=request.GET["tag"])
    verdict = request.GET.get("verdict")
    if verdict:
        if verdict not in Verdict.values:
            raise Http404("No such verdict.")
        paginator = Paginator(judged_posts(tag=tag, verdict=verdict), settings.POSTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        return render(
            request,
            "blog/hindsight_verdict.html",
            {"tag": tag, "verdict": Verdict(verdict), "page_obj": page_obj, "posts": page_obj.object_list},
        )
    return render(
        request,
        "blog/hindsight.html",
        {
            **track_record(tag=tag),
            "tag": tag,
            "verdicts": Verdict.choices,
            "tags": tags_in_use().order_by("name"),
        },
    )


@cache_for_anonymous
def search(request):
    query = clean_query(request.GET.get("q", ""))
    verdict = request.GET.get("verdict", "")
    if verdict not in Verdict.values:
        verdict = ""
    context = {"query": query, "verdict": verdict, "page_obj": None, "problem": None, "facets": []}
    if not query:
        context["problem"] = "Type a word or two to search the posts."
    elif len(query) > MAX_QUERY_LENGTH:
        context["problem"] = f"That search is too long: keep it under {MAX_QUERY_LENGTH} characters."
    else:
        results = search_posts(query)
        context["facets"] = verdict_facets(results)
        if verdict:
            results = results.filter(current_verdict=verdict)
        paginator = Paginator(results, settings.POSTS_PER_PAGE)
        context["page_obj"] = paginator.get_page(request.GET.get("page"))
    return render(request, "blog/search.html", context)


@require_POST
def markdown_preview(request):
    """The editor's live preview: the same pipeline as publishing (staff only, see config/urls.py)."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Nothing to preview: send the Markdown as 'content'.")
    return HttpResponse(render_post_markdown(request.POST["content"]))


@require_GET
@cache_for_anonymous
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /markdownx/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")
