"""
Search over published posts: title, dek, body and tags.

On PostgreSQL this is full-text search with ranking (title weighted above
dek above body); elsewhere (SQLite) a case-insensitive match of every word
of the query, newest first. Both go through ``Post.objects.published()``.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from .models import Post, TaggedPost, Verdict

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12


def clean_query(raw):
    """The query a reader meant: printable, single-spaced, bounded."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(printable.split())


def search_posts(query):
    posts = Post.objects.published().for_listing()
    terms = query.split()[:MAX_TERMS]
    if connection.vendor == "postgresql":
        tag_names = (
            TaggedPost.objects.filter(content_object=OuterRef("pk"))
            .order_by()
            .values("content_object")
            .annotate(names=StringAgg("tag__name", delimiter=" "))
            .values("names")
        )
        tags = Coalesce(Subquery(tag_names), Value(""), output_field=TextField())
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector(tags, weight="B", config="english")
            + SearchVector("dek", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search_query = SearchQuery(" ".join(terms), search_type="websearch", config="english")
        return (
            posts.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query)
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
