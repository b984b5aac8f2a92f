"""/search/: title, dek, body and tags; never drafts; never a 500."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.support.factories import make_post
from tests.support.html import text
from tests.support.queries import query_count

# Real commits: the stored search documents are refreshed once a change
# commits (core/freshness.py), as they are on a running site.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_sqlite_index():
    """
    Start from an empty index, as from an empty site: the tests' flush empties
    the tables of models, not SQLite's FTS5 tables, which would otherwise keep
    the words of earlier tests' posts.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM blog_post_fts")
            cursor.execute("INSERT INTO blog_post_words (blog_post_words) VALUES ('delete-all')")


def titles(response):
    return [post.title for post in response.context["page_obj"]]


def search(client, q, **params):
    response = client.get(reverse("blog:search"), {"q": q, **params})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Why inference costs collapse"),
        ("dek", "Inference costs are collapsing."),
        ("body", "Nobody priced in how inference costs would fall."),
    ],
)
def test_finds_posts_by_title_dek_or_body(client, field, value):
    make_post(title="Unrelated", body="Nothing to see.")
    make_post(**{"title": "The match", field: value} if field != "title" else {"title": value})

    found = titles(search(client, "inference"))

    assert len(found) == 1
    assert found[0] != "Unrelated"


def test_finds_posts_by_tag(client):
    make_post(title="Tagged post", tags=["geopolitics"])
    make_post(title="Other post")

    assert titles(search(client, "geopolitics")) == ["Tagged post"]


def test_every_word_must_match_somewhere(client):
    make_post(title="Chips and export controls")
    make_post(title="Chips and salsa")

    assert titles(search(client, "chips export")) == ["Chips and export controls"]


def test_drafts_and_scheduled_posts_are_never_found(client):
    make_post(title="Secret draft about chips", status=Post.Status.DRAFT)
    make_post(title="Future post about chips", published_at=timezone.now() + timedelta(days=1))

    response = search(client, "chips")

    assert titles(response) == []
    assert "Nothing matches “chips”." in response.content.decode()


def test_results_are_paginated(client):
    for n in range(12):
        make_post(title=f"Chips part {n}")

    second = search(client, "chips", page=2)

    assert len(second.context["page_obj"]) == 2
    assert "12 posts found" in second.content.decode()


@pytest.mark.parametrize(
    "q", ["", "   ", "\x00\x01", "%", "_", "'; DROP TABLE blog_post; --", "((", "x" * 5000]
)
def test_empty_or_absurd_queries_get_a_friendly_page(client, q):
    make_post(title="Survivor")

    response = client.get(reverse("blog:search"), {"q": q})

    assert response.status_code == 200
    assert Post.objects.filter(title="Survivor").exists()


def test_empty_query_asks_for_words(client):
    assert "Type a word or two" in search(client, "").content.decode()


def test_overlong_query_is_refused_politely(client):
    assert "That search is too long" in search(client, "word " * 100).content.decode()


def test_percent_is_not_a_wildcard(client):
    make_post(title="Plain title")

    assert titles(search(client, "%")) == []


@pytest.mark.postgres
def test_postgres_ranks_title_matches_above_body_matches(client):
    make_post(title="Body mention", body="This mentions tariffs once.", published_at=timezone.now())
    make_post(title="Tariffs, explained", published_at=timezone.now() - timedelta(days=30))

    assert titles(search(client, "tariffs")) == ["Tariffs, explained", "Body mention"]


@pytest.mark.postgres
def test_postgres_matches_word_forms(client):
    make_post(title="Predicting markets")
    make_post(title="Unrelated")

    assert titles(search(client, "predicted market")) == ["Predicting markets"]


def test_search_follows_edits_to_the_text_and_the_tags(client):
    post = make_post(title="Original wording", tags=["alpha"])

    post.title = "Revised wording about tariffs"
    post.save()
    post.tags.set(["omega"])

    assert titles(search(client, "tariffs")) == ["Revised wording about tariffs"]
    assert titles(search(client, "omega")) == ["Revised wording about tariffs"]
    assert titles(search(client, "alpha")) == []


def test_search_follows_a_renamed_tag(client):
    from taggit.models import Tag

    make_post(title="Tagged post", tags=["chips"])

    tag = Tag.objects.get(name="chips")
    tag.name = "semiconductors"
    tag.save()

    assert titles(search(client, "semiconductors")) == ["Tagged post"]


# Search that is good and scales (issue 11 item 5): on both databases --------------


def test_a_word_finds_longer_words_it_begins(client):
    make_post(title="Nvidia's quarter")
    make_post(title="Other news")

    # SQLite: a prefix; PostgreSQL: a near miss of the title's word.
    assert titles(search(client, "nvid")) == ["Nvidia's quarter"]


def test_a_quoted_phrase_must_appear_as_written(client):
    make_post(title="Export controls on chips")
    make_post(title="Chips beat controls on export")

    assert titles(search(client, '"export controls"')) == ["Export controls on chips"]


def test_a_minus_word_excludes_posts(client):
    make_post(title="Chips and export controls")
    make_post(title="Chips and salsa")

    assert titles(search(client, "chips -salsa")) == ["Chips and export controls"]


def test_or_finds_either_word(client):
    make_post(title="About tariffs")
    make_post(title="About sanctions")
    make_post(title="About weather")

    assert sorted(titles(search(client, "tariffs or sanctions"))) == ["About sanctions", "About tariffs"]


def test_results_show_a_snippet_with_the_matched_words_highlighted_and_escaped(client):
    make_post(
        title="Margins",
        body="Some <script>alert(1)</script> text. The margins of the GPU makers are the story here.",
    )

    page = search(client, "margins").content.decode()

    assert "<mark>margins</mark>" in page.lower()
    assert "<script>alert(1)</script>" not in page


def test_a_near_miss_spelling_still_finds_the_post(client):
    make_post(title="Nvidia's quarter", tags=["nvidia"], body="Nvidia sold more chips than anyone expected.")
    make_post(title="Other news")

    response = search(client, "nvdia")

    assert titles(response) == ["Nvidia's quarter"]
    assert "Nothing matched “nvdia” as typed" in response.content.decode()


def test_a_query_with_nothing_near_it_finds_nothing(client):
    make_post(title="Nvidia's quarter")

    assert titles(search(client, "zebra")) == []


def test_drafts_are_not_found_even_by_a_near_miss(client):
    make_post(title="Nvidia secret draft", status=Post.Status.DRAFT)

    assert titles(search(client, "nvdia")) == []
    assert titles(search(client, "nvidia")) == []


def test_search_costs_the_same_queries_with_many_matching_posts(client, django_assert_max_num_queries):
    def queries(q):
        return query_count(client, reverse("blog:search"), {"q": q}, rendered=True)

    make_post(title="Chips one", tags=["chips"])
    few, few_missed = queries("chips"), queries("chpis")
    for n in range(30):
        make_post(title=f"Chips {n}", tags=["chips", f"t{n}"], verdict="wrong" if n % 2 else None)

    assert queries("chips") == few
    assert queries("chpis") == few_missed


def test_a_deleted_post_leaves_the_index(client):
    post = make_post(title="Soon deleted about chips")
    post.delete()
    make_post(title="Kept about chips")

    assert titles(search(client, "chips")) == ["Kept about chips"]


# Bounded: a search ranks at most SEARCH_RESULTS_LIMIT matches, the most recently added ------


def test_more_matches_than_the_limit_are_announced_not_counted(client, settings):
    settings.SEARCH_RESULTS_LIMIT = 3
    for n in range(5):
        make_post(title=f"Chips part {n}")

    response = search(client, "chips")

    page = response.content.decode()
    assert "More than 3 posts match “chips”" in page
    assert "Add a word to narrow it." in page
    assert "posts found" not in page
    assert sorted(titles(response)) == ["Chips part 2", "Chips part 3", "Chips part 4"]


def test_as_many_matches_as_the_limit_are_counted_exactly(client, settings):
    settings.SEARCH_RESULTS_LIMIT = 3
    for n in range(3):
        make_post(title=f"Chips part {n}")

    page = search(client, "chips").content.decode()

    assert "3 posts found for “chips”." in page
    assert "More than" not in page


def test_the_title_match_comes_first_among_the_ranked(client, settings):
    settings.SEARCH_RESULTS_LIMIT = 4
    make_post(title="Tariffs, explained", body="What they are.")
    for n in range(3):
        make_post(title=f"Trade notes {n}", body="This one mentions tariffs once, in passing.")

    found = titles(search(client, "tariffs"))

    assert found[0] == "Tariffs, explained"
    assert len(found) == 4


def test_verdict_facets_and_filter_count_within_the_ranked(client, settings):
    settings.SEARCH_RESULTS_LIMIT = 4
    make_post(title="Old chips, wrong", verdict="wrong")  # not among the 4 most recently added
    make_post(title="Chips, nailed", verdict="nailed_it")
    for n in range(3):
        make_post(title=f"Chips, wrong {n}", verdict="wrong")

    response = search(client, "chips")
    filtered = search(client, "chips", verdict="wrong")

    assert [(value, count) for value, _label, count in response.context["facets"]] == [
        ("nailed_it", 1),
        ("wrong", 3),
    ]
    assert sorted(titles(filtered)) == ["Chips, wrong 0", "Chips, wrong 1", "Chips, wrong 2"]
    assert "3 of them have the verdict “wrong”." in filtered.content.decode()


def test_pages_stop_at_the_limit(client, settings):
    settings.SEARCH_RESULTS_LIMIT = 12
    for n in range(15):
        make_post(title=f"Chips part {n}")

    second = search(client, "chips", page=2)
    beyond = client.get(reverse("blog:search"), {"q": "chips", "page": 3})

    assert len(second.context["page_obj"]) == 2
    assert second.context["page_obj"].paginator.num_pages == 2
    assert beyond.status_code == 404


def test_unpublished_matches_take_no_place_among_the_ranked(client, settings):
    settings.SEARCH_RESULTS_LIMIT = 2
    make_post(title="Published chips one")
    make_post(title="Published chips two")
    make_post(title="Draft chips", status=Post.Status.DRAFT)
    make_post(title="Scheduled chips", published_at=timezone.now() + timedelta(days=1))

    response = search(client, "chips")

    assert sorted(titles(response)) == ["Published chips one", "Published chips two"]
    assert "2 posts found for “chips”." in response.content.decode()


def test_a_post_unpublished_after_ranking_is_not_shown(client):
    from blog.search import search as run_search

    post = make_post(title="Chips soon unpublished")
    make_post(title="Chips kept")
    results = run_search("chips")
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)

    assert [found.title for found in results[0:10]] == ["Chips kept"]


def test_a_bounded_search_costs_the_same_queries_however_many_match(client, settings):
    settings.SEARCH_RESULTS_LIMIT = 5

    def queries(**params):
        return query_count(client, reverse("blog:search"), params, rendered=True)

    make_post(title="Chips one", tags=["chips"], verdict="wrong")
    few = queries(q="chips"), queries(q="chips", verdict="wrong"), queries(q="chpis")
    for n in range(30):
        make_post(title=f"Chips {n}", tags=["chips", f"t{n}"], verdict="wrong" if n % 2 else None)

    assert (queries(q="chips"), queries(q="chips", verdict="wrong"), queries(q="chpis")) == few


def test_a_phrase_that_does_not_match_is_not_rewritten_into_word_stems(client):
    make_post(title="A unit of storage")

    page = search(client, '"storage unit"').content.decode()

    # The index's vocabulary holds stems ("storag"): a word found as typed is no typo.
    assert not re.search(r"storag(?!e)", page)


def test_near_miss_spellings_of_words_with_different_first_letters_are_all_corrected(client):
    make_post(title="Nvidia and tariffs", tags=["nvidia", "tariffs"])
    make_post(title="Nvidia alone", tags=["nvidia"])

    # Each misspelt word is compared with the index's words sharing its first letter.
    assert titles(search(client, "nvdia tarrifs")) == ["Nvidia and tariffs"]


def test_a_misspelt_word_is_corrected_to_a_word_the_posts_use_never_to_a_stem(client):
    make_post(title="Inference costs", body="The cost of inference keeps falling.")
    make_post(title="Storage prices", body="Storage is cheap.")
    make_post(title="Other news", body="Prices of *inference* hardware.")

    # Suggested from the posts' words as written, where the indexes hold stems ("storag", "infer").
    for typed, meant, found in [
        ("storagge", "storage", ["Storage prices"]),
        ("infrence costs", "inference costs", ["Inference costs"]),
        ("hardwre", "hardware", ["Other news"]),  # a word of a body only
    ]:
        response = search(client, typed)

        assert titles(response) == found
        assert text(response, ".search-corrected") == (
            f"Nothing matched “{typed}” as typed: showing results for “{meant}”."
        )


def test_the_words_a_post_no_longer_uses_are_never_suggested(client):
    post = make_post(title="Inference costs", body="The cost of inference keeps falling.")
    post.title, post.body = "Training costs", "The cost of training keeps rising."
    post.save()

    response = search(client, "infrence")
    assert titles(response) == []
    assert "inference" not in text(response).lower()
    assert titles(search(client, "trainning")) == ["Training costs"]
