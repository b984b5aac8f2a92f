"""
Search over published posts: title, dek, body and tags.

On PostgreSQL this is full-text search with ranking (title weighted above
dek above body); elsewhere (SQLite) a case-insensitive match of every word
of the query, newest first. Both go through ``Post.objects.published()``.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from .models import Post

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
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("dek", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search_query = SearchQuery(" ".join(terms), search_type="websearch", config="english")
        by_text = posts.annotate(rank=SearchRank(vector, search_query)).filter(rank__gt=0)
        by_tag = Q(tags__name__in=terms)
        matching = Post.objects.filter(Q(pk__in=by_text.values("pk")) | by_tag).values("pk")
        return (
            posts.filter(pk__in=matching)
            .annotate(rank=SearchRank(vector, search_query))
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
