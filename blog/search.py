"""
Search over published posts: title, dek, body and tags.

On PostgreSQL this is full-text search with ranking over a stored,
GIN-indexed document (title weighted above tags and dek, above the body);
elsewhere (SQLite) a case-insensitive match of every word of the query,
newest first. Both go through ``Post.objects.published()``.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, connections
from django.db.models import Count, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from .models import Post, TaggedPost, Verdict

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12


def clean_query(raw):
    """The query a reader meant: printable, single-spaced, bounded."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(printable.split())


def document_vector():
    """
    The full-text document of a post (PostgreSQL): title weighted above tags
    and dek, above the body. Stored in ``Post.search_document`` and kept
    fresh by signals (blog/apps.py), so a search reads a GIN index instead
    of parsing every post.
    """
    tag_names = (
        TaggedPost.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .values("content_object")
        .annotate(names=StringAgg("tag__name", delimiter=" "))
        .values("names")
    )
    tags = Coalesce(Subquery(tag_names), Value(""), output_field=TextField())
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector(tags, weight="B", config=CONFIG)
        + SearchVector("dek", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
    )


def update_search_documents(posts):
    """Recompute the stored document of ``posts`` (a no-op off PostgreSQL)."""
    if connections[posts.db].vendor == "postgresql":
        posts.update(search_document=document_vector())


def search_posts(query):
    posts = Post.objects.published().for_listing()
    terms = query.split()[:MAX_TERMS]
    if connection.vendor == "postgresql":
        search_query = SearchQuery(" ".join(terms), search_type="websearch", config=CONFIG)
        return (
            posts.filter(search_document=search_query)
            .annotate(rank=SearchRank(F("search_document"), search_query))
            .order_by("-rank", "-published_at", "-pk")
        )
    for term in terms:
        matching_tags = Post.objects.filter(tags__name__iexact=term).values("pk")
        posts = posts.filter(
            Q(title__icontains=term)
            | Q(dek__icontains=term)
            | Q(body__icontains=term)
            | Q(pk__in=matching_tags)
        )
    return posts


def verdict_facets(results):
    """[(verdict, label, count)] for the verdicts among ``results``, in one grouped query."""
    counts = {
        row["current_verdict"]: row["n"]
        for row in results.order_by().values("current_verdict").annotate(n=Count("pk"))
    }
    return [(value, label, counts[value]) for value, label in Verdict.choices if counts.get(value)]
