from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import ListView

from core.caching import cacheable_for_anonymous, post_part_versions, post_parts_stored, reader_request
from core.markup import render_post_markdown

from .models import Post, Verdict, published_tags
from .navigation import older_and_newer, related_posts
from .parts import PostParts
from .scorecard import judged_posts, tag_breakdown, track_record
from .search import MAX_QUERY_LENGTH, clean_query, highlight
from .search import search as search_posts
from .sections import add_sections
from .series import series_of


@method_decorator(cacheable_for_anonymous(query=["page"]), name="dispatch")
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
        tags = published_tags().select_related("description")
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

    def paginate_queryset(self, queryset, page_size):
        # Newer/older, without Django's COUNT(*) of every post under the tag
        # (a busy tag's count grows with the site): one row past the page
        # says whether there is an older one.
        number = self.request.GET.get("page") or "1"
        # ASCII digits only ("²" is a digit to isdigit() but not to int()), and
        # an offset a database can take: past 2**63 SQLite refuses the query.
        if not (number.isascii() and number.isdigit()) or not 1 <= int(number) * page_size < 2**63:
            raise Http404("No such page.")
        number = int(number)
        rows = list(queryset[(number - 1) * page_size : number * page_size + 1])
        if number > 1 and not rows:
            raise Http404("No such page.")
        page = NewerOlderPage(rows[:page_size], number, has_older=len(rows) > page_size)
        return None, page, page.object_list, page.has_other_pages()


class NewerOlderPage:
    """
    A page of a list shown newest first, that knows its neighbours but not the
    total: enough of Django's ``Page`` for the pagination include.
    """

    paginator = None  # no total to show: counting it is what this page avoids

    def __init__(self, object_list, number, *, has_older):
        self.object_list, self.number = object_list, number
        self._has_older = has_older

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self._has_older

    def has_other_pages(self):
        return self.has_previous() or self.has_next()

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1


def post_page_queryset(user):
    """The posts whose page ``user`` may see."""
    return Post.objects.visible_to(user).select_related("author")


@cacheable_for_anonymous(query=[], per_post=True)
def post_detail(request, slug):
    post = get_object_or_404(post_page_queryset(request.user), slug=slug)
    return render_post_page(request, post)


def render_post_page(request, post, *, extra_context=None, status=200):
    """
    The post page; the counterpoint view re-renders it with a bound form
    (``extra_context={"counterpoint_form": form}``).

    Tags, verdicts and what other apps add (``blog.sections``: claims,
    counterpoints and the form) are passed as unevaluated QuerySets or lazy
    objects: each runs only when the template draws the stored part that
    shows it (blog/parts.py), read in one query and written back in one. An
    anonymous reader's page is stored whole, with placeholders for the
    per-visitor CSRF and form tokens that the page cache fills in for each
    visitor (core/caching.py).
    """
    neighbours = SimpleLazyObject(lambda: older_and_newer(post))
    tags = post.tags.all()  # one query, shared by the page and its related posts
    versions = post_part_versions(request)
    parts = PostParts(post) if versions["content_version"] else None
    context = {
        "post": post,
        "tags": tags,
        "verdicts": post.hindsights.order_by("-decided_at", "-pk"),
        # Two queries (related: the nearest posts sharing a tag on each side),
        # one (series), two (the previous and next posts): lazy, so that a
        # cache hit runs none.
        "related": SimpleLazyObject(lambda: related_posts(post, tags)),
        "series": SimpleLazyObject(lambda: series_of(post)),
        "older": SimpleLazyObject(lambda: neighbours[0]),
        "newer": SimpleLazyObject(lambda: neighbours[1]),
        **versions,
        "stored_parts": parts,
        **(extra_context or {}),
    }
    add_sections(request, post, context)
    response = render(request, "blog/post_detail.html", context, status=status)
    if parts is not None:
        parts.save()
    return response


# A change to more posts than this (an import, a tag renamed) leaves their
# pages to their readers: the writer would wait on every one.
REDRAWN_PER_CHANGE = 5


def draw_post_pages(post_ids):
    """
    Draw the pages of the posts ``post_ids`` (ids, or a query of them) as an
    anonymous reader gets them, newest first, so that their stored parts
    (blog/parts.py) are current: readers in every process then put each page
    together from its parts. Drafts and scheduled posts, which no reader
    sees, are left out. Returns how many were drawn.
    """
    drawn = 0
    visible = post_page_queryset(AnonymousUser()).filter(pk__in=post_ids).order_by("-published_at", "-pk")
    for post in visible.iterator(chunk_size=100):
        render_post_page(reader_request(post.get_absolute_url()), post)
        drawn += 1
    return drawn


def redraw_post_pages(post_ids):
    """
    After a change to a few posts, draw their pages once, so that readers do
    not each draw what the change touched. The writer's request pays for it,
    once the change has committed (core/freshness.py).
    """
    if post_parts_stored() and post_ids and len(post_ids) <= REDRAWN_PER_CHANGE:
        draw_post_pages(post_ids)


@cacheable_for_anonymous(query=[])
def tag_list(request):
    tags = published_tags(counted=True).order_by("-post_count", "name")
    return render(request, "blog/tag_list.html", {"tags": tags})


def _hindsight_tag(request):
    """The tag ``?tag=`` narrows the track record to, or None."""
    slug = request.GET.get("tag")
    return get_object_or_404(published_tags(), slug=slug) if slug else None


@cacheable_for_anonymous(query=["tag", "verdict", "year"])
def hindsight(request):
    """
    The track record: verdict counts overall, per year and per tag, and the
    newest judged posts of each verdict (``?tag=`` narrows it to one tag).
    The old ``?verdict=`` listing now lives at /hindsight/<verdict>/.
    """
    if "verdict" in request.GET:
        return _moved_verdict_listing(request)
    tag = _hindsight_tag(request)
    return render(
        request,
        "blog/hindsight.html",
        {
            **track_record(tag=tag),
            "tag": tag,
            "verdicts": Verdict.choices,
        },
    )


@cacheable_for_anonymous(query=["page"])
def hindsight_tags(request):
    """Every tag's track record, most judged posts first, page by page (the overview shows the top few)."""
    try:
        page_obj = tag_breakdown(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error
    return render(
        request,
        "blog/hindsight_tags.html",
        {"page_obj": page_obj, "by_tag": page_obj.object_list, "verdicts": Verdict.choices},
    )


def _moved_verdict_listing(request):
    """/hindsight/?verdict=x&tag=…&page=… answers 301 to /hindsight/x/?tag=…&page=…."""
    verdict = request.GET["verdict"]
    if verdict not in Verdict.values:
        raise Http404("No such verdict.")
    query = request.GET.copy()
    del query["verdict"]
    url = reverse("blog:hindsight-verdict", kwargs={"verdict": verdict})
    return redirect(f"{url}?{query.urlencode()}" if query else url, permanent=True)


@cacheable_for_anonymous(query=["tag", "page"])
def hindsight_verdict(request, verdict):
    """Every published post judged ``verdict`` (optionally under ``?tag=``), newest first, page by page."""
    if verdict not in Verdict.values:
        raise Http404("No such verdict.")
    tag = _hindsight_tag(request)
    paginator = Paginator(judged_posts(tag=tag, verdict=verdict), settings.POSTS_PER_PAGE)
    page_obj = page_or_404(paginator, request)
    return render(
        request,
        "blog/hindsight_verdict.html",
        {"tag": tag, "verdict": Verdict(verdict), "page_obj": page_obj, "posts": page_obj.object_list},
    )


@cacheable_for_anonymous(query=["q", "verdict", "page"])
def search(request):
    query = clean_query(request.GET.get("q", ""))
    verdict = request.GET.get("verdict", "")
    if verdict not in Verdict.values:
        verdict = ""
    context = {
        "query": query,
        "verdict": verdict,
        "page_obj": None,
        "problem": None,
        "facets": [],
        "corrected": None,
        "more": False,
    }
    if not query:
        context["problem"] = gettext("Type a word or two to search the posts.")
    elif len(query) > MAX_QUERY_LENGTH:
        context["problem"] = gettext("That search is too long: keep it under %(limit)d characters.") % {
            "limit": MAX_QUERY_LENGTH
        }
    else:
        results = search_posts(query)
        context["corrected"] = results.corrected
        context["more"] = results.more
        context["limit"] = results.limit
        context["facets"] = results.verdict_facets()
        paginator = Paginator(results.with_verdict(verdict), settings.POSTS_PER_PAGE)
        context["page_obj"] = page_or_404(paginator, request)
        for post in context["page_obj"]:
            post.snippet_html = highlight(post.snippet)
    return render(request, "blog/search.html", context)


def page_or_404(paginator, request):
    """The page ``?page=`` asks for (the first without one); no such page is a 404, as in ListView."""
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("No such page.") from error


@require_POST
def markdown_preview(request):
    """The editor's live preview: the same pipeline as publishing (staff only, see config/urls.py)."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Nothing to preview: send the Markdown as 'content'.")
    return HttpResponse(render_post_markdown(request.POST["content"]))


@require_safe  # GET and HEAD, as every other page answers (issue 15)
@cacheable_for_anonymous(query=[])
def robots_txt(request):
    sitemap = settings.SITE_URL + reverse("sitemap")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /markdownx/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")
