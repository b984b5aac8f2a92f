"""
Search over published posts: title, tag names, dek and body, behind one
``search(query)`` on both databases.

PostgreSQL: ``websearch_to_tsquery`` ("quoted phrases", ``-exclusions``,
``or``) over a stored, GIN-indexed document (title weighted above tags and
dek, above the body), ranked.

SQLite: an FTS5 index (porter stemming, prefix indexes) ranked by bm25, the
same query language (every word also matches as a prefix: "nvid" finds
Nvidia).

Both: near misses by a spelling suggestion from the posts' words as
written (``blog_post_words``: on SQLite a second, contentless FTS5 index,
the first holding stems; on PostgreSQL a table of words with a trigram
index), then on PostgreSQL by trigram similarity to titles and tag names.

Both keep their index in step after each commit (core/freshness.py), show
a snippet with the matched words highlighted (escaped first, then marked),
and go through ``Post.objects.published()``: drafts and scheduled posts are
indexed but never found. A search ranks at most ``SEARCH_RESULTS_LIMIT``
matches, so it costs the same however many posts match (``SearchResults``).
Counterpoints are not searched: they are readers' words under a post, and a
post found for what a reader said would put it in the author's mouth.
"""

import copy
import difflib
import re
from collections import Counter

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection, connections, transaction
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.markup import plain_text

from .models import Post, TaggedPost, Verdict

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_WORDS = 24
# Highlight markers: control characters no text of ours contains, so the
# snippet can be escaped whole and only then marked up.
MARK_START, MARK_END = "\x02", "\x03"


def clean_query(raw):
    """The query a reader meant: printable, single-spaced, bounded."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(printable.split())


def highlight(snippet):
    """A snippet as safe HTML: escaped, with the matched words in <mark>."""
    if not snippet:
        return ""
    marked = escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(marked)  # noqa: S308 - escaped above; only our own <mark> tags added


def search(query):
    """
    The published posts matching ``query`` as ``SearchResults``, best first;
    if none match, the near misses (``corrected`` says with what spelling).
    """
    results = search_posts(query)
    if results:
        return results
    corrected = suggest_spelling(query)
    if corrected:
        # Offered only if it finds something: the posts that used a word may have let it go.
        found = search_posts(corrected, corrected=corrected)
        if found:
            return found
    if connection.vendor == "postgresql":
        return near_misses_postgres(query)
    return results


class SearchResults:
    """
    What a search found: at most ``limit`` published posts, best first.

    Why bounded: a common word matches most of a blog (the bench's
    "inference" matches 6,488 of 10,000 posts), and ranking, counting and
    grouping every match made a search cost as much as the blog is long.
    So one query takes the ``limit`` matches most recently added (highest
    primary key first: the order both indexes walk without sorting, stopping
    at ``limit``) with each one's rank and verdict; the ranking, the count,
    the verdict facets and the pages are worked out from those, and ``more``
    says that older matches were left out. Only the page shown is read in
    full, with its snippets, in one more query: a search costs the same
    queries and about the same time whether ten posts match or ten thousand.

    A sequence of posts for Django's ``Paginator``: its length is the number
    of ranked posts (those with ``verdict`` when it is set), and a slice is
    those posts read from the database, snippets included.
    """

    def __init__(self, ranked=(), *, limit=0, read_page=None, corrected=None):
        ranked = list(ranked)
        self.more = len(ranked) > limit
        # ranked: (pk, verdict, sort key), the key smaller for a better match.
        self.ranked = sorted(ranked[:limit], key=lambda row: (row[2], -row[0]))
        self.limit = limit
        self.corrected = corrected
        self.verdict = ""
        self._read_page = read_page

    def __bool__(self):
        return bool(self.ranked)

    def __len__(self):
        return len(self.shown())

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        pks = [pk for pk, _verdict, _key in self.shown()[index]]
        if not pks:
            return []
        # Not through published(): SQLite would then walk every published
        # post's index entry to find these ten. The model says the same, and
        # leaves out those unpublished since the ranking a moment ago.
        posts = {post.pk: post for post in self._read_page(pks)}
        return [posts[pk] for pk in pks if pk in posts and posts[pk].is_published]

    def shown(self):
        return [row for row in self.ranked if not self.verdict or row[1] == self.verdict]

    def with_verdict(self, verdict):
        """These results narrowed to the posts whose current verdict is ``verdict`` ("" for all)."""
        narrowed = copy.copy(self)
        narrowed.verdict = verdict
        return narrowed

    def verdict_facets(self):
        """[(verdict, label, count)] for the verdicts among the ranked posts."""
        counts = Counter(verdict for _pk, verdict, _key in self.ranked)
        return [(value, label, counts[value]) for value, label in Verdict.choices if counts.get(value)]


def listed(pks):
    """The posts ``pks`` as their cards show them (ordered by the caller)."""
    return Post.objects.for_listing().filter(pk__in=pks).order_by()


def search_posts(query, *, corrected=None):
    """``SearchResults`` for the published posts matching ``query`` as written."""
    limit = settings.SEARCH_RESULTS_LIMIT
    posts = Post.objects.published()
    if connection.vendor == "postgresql":
        search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
        # The latest matches: walked backwards along the primary key with the
        # stored vector tested row by row until enough match (or, for a rare
        # word, read from the GIN index and sorted); ranked only those.
        ranked = (
            posts.filter(search_document=search_query)
            .annotate(key=-SearchRank(F("search_document"), search_query))
            .order_by("-pk")
            .values_list("pk", "current_verdict", "key")[: limit + 1]
        )

        def read_page(pks):
            return listed(pks).annotate(
                snippet=SearchHeadline(
                    body_words(),
                    search_query,
                    config=CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                )
            )

        return SearchResults(ranked, limit=limit, read_page=read_page, corrected=corrected)
    expression = fts5_expression(query)
    if not expression:
        return SearchResults(corrected=corrected)
    # extra(): the FTS5 table must be joined by name for MATCH, bm25() and
    # snippet() to see the matched row; the ORM has no spelling for that.
    # The unary + keeps SQLite from probing the index once per published
    # post: it walks the matches latest first (FTS5 keeps them in rowid
    # order), each post by its primary key, and stops at the limit.
    ranked = posts.extra(
        tables=["blog_post_fts"],
        where=["blog_post.id = +blog_post_fts.rowid", "blog_post_fts MATCH %s"],
        params=[expression],
        select={"key": "bm25(blog_post_fts, 10.0, 5.0, 3.0, 1.0)"},
        order_by=["-blog_post_fts.rowid"],
    ).values_list("pk", "current_verdict", "key")[: limit + 1]

    def read_page(pks):
        # One walk of the index's matches between the page's lowest and
        # highest rowid (within the ranked ones), each kept if on the page
        # (the + keeps SQLite from running the MATCH again per rowid: with a
        # prefix, that costs a pass over all its matches each time).
        marks = ", ".join(["%s"] * len(pks))
        return (
            Post.objects.for_listing()
            .order_by()
            .extra(  # noqa: S610 - parameters bound, never formatted in
                tables=["blog_post_fts"],
                where=[
                    "blog_post.id = blog_post_fts.rowid",
                    "blog_post_fts MATCH %s",
                    "blog_post_fts.rowid BETWEEN %s AND %s",
                    f"+blog_post_fts.rowid IN ({marks})",
                ],
                params=[expression, min(pks), max(pks), *pks],
                select={"snippet": f"snippet(blog_post_fts, -1, char(2), char(3), '…', {SNIPPET_WORDS})"},
            )
        )

    return SearchResults(ranked, limit=limit, read_page=read_page, corrected=corrected)


# The lines of the claims' markup (``::: claim 70% by 2027-06-30``), whose
# words the reader never sees (PostgreSQL's regular expression syntax).
CLAIM_LINES = r"^:::[^\n]*$"


def body_words():
    """
    The body as PostgreSQL indexes it: without the ``:::`` lines of the
    claims' markup (``::: claim 70% by 2027-06-30``), whose words the
    reader never sees. SQLite indexes ``plain_text(body)`` instead.
    """
    return Func(
        F("body"),
        Value(CLAIM_LINES),
        Value(""),
        Value("gn"),
        function="regexp_replace",
        output_field=TextField(),
    )


def front_matter_claims(post_ids):
    """
    {post id: words} of the claims stated in a seed's front matter (claims/
    seeds.py), which are not in the body but are the post's words too.
    Withdrawn claims are not: the post no longer says them. Reached by the
    relation's name, so blog imports nothing from claims.
    """
    words = {}
    claims = Post.objects.filter(pk__in=post_ids, claims__in_body=False, claims__withdrawn=False)
    for pk, text in claims.order_by("pk", "claims__order").values_list("pk", "claims__text"):
        words.setdefault(pk, []).append(text)
    return {pk: " ".join(texts) for pk, texts in words.items()}


_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def fts5_expression(query):
    """
    A reader's query in FTS5's syntax, built from word characters only (so
    nothing they type is FTS5 syntax): "quoted phrases", -exclusions, ``or``,
    and every other word also as a prefix. Empty if nothing is left to find.
    """
    groups, current, excluded = [], [], []
    for negated, phrase, bare in _TOKENS.findall(query)[: MAX_TERMS * 2]:
        if bare.lower() == "or":
            if current:
                groups.append(current)
                current = []
            continue
        if bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = re.findall(r"\w+", phrase or bare)
        if not words:
            continue
        term = f'"{" ".join(words)}"' + ("*" if bare and len(words) == 1 else "")
        (excluded if negated else current).append(term)
    if current:
        groups.append(current)
    if not groups:
        return ""
    expression = " OR ".join("(" + " AND ".join(group) + ")" for group in groups)
    for term in excluded:
        expression = f"({expression}) NOT {term}"
    return expression


def suggest_spelling(query):
    """
    ``query`` with each word the posts do not use replaced by the closest
    word they do, as written ("inference", where the index holds the stem
    "infer"), or None if nothing changed. One query, on either database.
    """
    words = re.findall(r"\w+", query.lower())[:MAX_TERMS]
    if not words:
        return None
    suggest = _suggest_postgres if connection.vendor == "postgresql" else _suggest_sqlite
    corrected = suggest(words)
    return " ".join(corrected) if corrected != words else None


def _suggest_postgres(words):
    """
    Each word, or the word of ``blog_post_words`` most like it (trigram
    similarity, read from its GIN index) if the posts do not use it and it
    has the three letters the table's words have at least.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COALESCE(
                (SELECT typed.word WHERE length(typed.word) < 3),  -- too short to tell a typo
                (SELECT word FROM blog_post_words WHERE word = typed.word),
                (SELECT word FROM blog_post_words WHERE word %% typed.word
                 ORDER BY similarity(word, typed.word) DESC, word LIMIT 1),
                typed.word
            )
            FROM unnest(%s::text[]) WITH ORDINALITY AS typed(word, n)
            ORDER BY typed.n
            """,
            [words],
        )
        return [word for (word,) in cursor.fetchall()]


def _suggest_sqlite(words):
    """
    Each word, or the closest word of ``blog_post_words`` sharing its first
    letter: the posts' words with those letters, and which words the index
    finds as they are, by a MATCH (so "storages" is known through its stem,
    and never corrected).
    """
    initials = sorted({word[0] for word in words})
    # One SELECT per letter: SQLite 3.40 answers "range OR range" on an
    # fts5vocab table with the first range's terms only.
    vocabulary_rows = ["SELECT term, 0 FROM blog_post_words_vocab WHERE term >= %s AND term < %s"] * len(
        initials
    )
    found_rows = [
        "SELECT %s, 1 WHERE EXISTS (SELECT 1 FROM blog_post_fts WHERE blog_post_fts MATCH %s)"
    ] * len(words)
    params = [bound for letter in initials for bound in (letter, letter + "\uffff")]
    params += [value for word in words for value in (word, f'"{word}"*')]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(vocabulary_rows + found_rows), params)
        rows = cursor.fetchall()
    vocabulary = [term for term, is_word in rows if not is_word]
    known = {word for word, is_word in rows if is_word}
    corrected = []
    for word in words:
        close = [] if word in known else difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.7)
        corrected.append(close[0] if close else word)
    return corrected


def near_misses_postgres(query):
    """
    Published posts with each word of ``query`` near a word of their title
    or one of their tags (trigram similarity), best first.
    """
    limit = settings.SEARCH_RESULTS_LIMIT
    posts = Post.objects.published()
    taggings = TaggedPost.objects.filter(content_object=OuterRef("pk")).order_by()
    words = [word for word in re.findall(r"-?\w+", query) if word[0] != "-" and word.lower() != "or"]
    near = Q()
    for word in words[:MAX_TERMS] or [query]:
        # Tag names are a word or two: whole-name similarity (pg_trgm's 0.3) catches "nvdia".
        near &= Q(title__trigram_word_similar=word) | Exists(taggings.filter(tag__name__trigram_similar=word))
    tag_similarity = (
        taggings.annotate(s=TrigramSimilarity("tag__name", Value(query))).order_by("-s").values("s")[:1]
    )
    similarity = Greatest(
        TrigramWordSimilarity(Value(query), "title"), Coalesce(Subquery(tag_similarity), 0.0)
    )
    ranked = (
        posts.filter(near)
        .annotate(key=-similarity)
        .order_by("-pk")
        .values_list("pk", "current_verdict", "key")[: limit + 1]
    )

    def read_page(pks):
        return listed(pks).annotate(snippet=Value("", output_field=TextField()))

    return SearchResults(ranked, limit=limit, read_page=read_page, corrected=query)


def document_vector():
    """
    The full-text document of a post (PostgreSQL): title weighted above tags
    and dek, above the body. Stored in ``Post.search_document`` and kept
    fresh after each commit, so a search reads a GIN index instead of
    parsing every post.
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
        + SearchVector(body_words(), weight="C", config=CONFIG)
    )


def sqlite_index_rows(posts, taggings):
    """(rowid, title, tags, dek, body) rows of the SQLite index for ``posts`` (``taggings``: theirs)."""
    names = {}
    for post_id, name in taggings.values_list("content_object_id", "tag__name"):
        names.setdefault(post_id, []).append(name)
    rows = list(posts.values_list("pk", "title", "dek", "body"))
    claims = front_matter_claims([row[0] for row in rows])
    for pk, title, dek, body in rows:
        yield (
            pk,
            title,
            " ".join(names.get(pk, ())),
            dek,
            " ".join(filter(None, [plain_text(body), claims.get(pk)])),
        )


# The words of a row of blog_post_fts, as the words table (SQLite) is given them.
INDEXED_WORDS = "title || ' ' || tags || ' ' || dek || ' ' || body"


def add_post_words(cursor, post_ids):
    """
    Add the words of ``post_ids`` to the words table (PostgreSQL): title, dek
    and body as the document has them. The table only grows, so a word a
    post let go can still be suggested: ``search`` offers a spelling only if
    it finds something.
    """
    cursor.execute(
        """
        INSERT INTO blog_post_words (word)
        SELECT DISTINCT word
        FROM blog_post,
            regexp_split_to_table(
                lower(title || ' ' || dek || ' ' || regexp_replace(body, %s, '', 'gn')), '[^[:alnum:]]+'
            ) AS word
        WHERE blog_post.id = ANY(%s) AND length(word) BETWEEN 3 AND 40 AND word !~ '^[0-9]+$'
        ON CONFLICT DO NOTHING
        """,
        [CLAIM_LINES, list(post_ids)],
    )


def refresh_search_index(post_ids, using="default"):
    """Bring the search index of ``post_ids`` (changed or deleted) in step with their rows."""
    post_ids = list(post_ids)
    vendor = connections[using].vendor
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        posts = Post.objects.using(using).filter(pk__in=chunk)
        if vendor == "postgresql":
            posts.update(search_document=document_vector())
            with connections[using].cursor() as cursor:
                add_post_words(cursor, chunk)
            # The few posts with claims in their front matter (the seeds) add their words.
            for pk, words in front_matter_claims(chunk).items():
                posts.filter(pk=pk).update(
                    search_document=document_vector() + SearchVector(Value(words), weight="C", config=CONFIG)
                )
        elif vendor == "sqlite":
            taggings = TaggedPost.objects.using(using).filter(content_object__in=chunk)
            with transaction.atomic(using=using), connections[using].cursor() as cursor:
                marks = ", ".join(["%s"] * len(chunk))
                # The words table keeps no text: a row leaves it by naming the words it was given.
                cursor.execute(
                    "INSERT INTO blog_post_words (blog_post_words, rowid, words) "  # noqa: S608
                    f"SELECT 'delete', rowid, {INDEXED_WORDS} FROM blog_post_fts WHERE rowid IN ({marks})",
                    chunk,
                )
                cursor.execute(f"DELETE FROM blog_post_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608
                cursor.executemany(
                    "INSERT INTO blog_post_fts (rowid, title, tags, dek, body) VALUES (%s, %s, %s, %s, %s)",
                    list(sqlite_index_rows(posts, taggings)),
                )
                cursor.execute(
                    "INSERT INTO blog_post_words (rowid, words) "  # noqa: S608
                    f"SELECT rowid, {INDEXED_WORDS} FROM blog_post_fts WHERE rowid IN ({marks})",
                    chunk,
                )


def update_search_documents(posts):
    """Re-index ``posts`` (bulk loads that sent no signals)."""
    refresh_search_index(posts.values_list("pk", flat=True), using=posts.db)
