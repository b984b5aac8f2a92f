"""
The track record (blog/scorecard.py), and what else closes the loop on a
prediction: check-back dates, the verdict feed, ClaimReview markup.
"""

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import scorecard
from blog.models import Post, TallyState, Verdict
from counterpoints.models import Counterpoint
from tests.support.factories import make_counterpoint, make_hindsight, make_post
from tests.support.feeds import read_feed
from tests.support.html import links, one, parse, text

pytestmark = pytest.mark.django_db

YESTERDAY = date.today() - timedelta(days=1)
NEXT_MONTH = date.today() + timedelta(days=30)


# Check back by


def test_post_page_shows_when_a_verdict_is_due(client):
    post = make_post(check_back_by=NEXT_MONTH)

    page = parse(client.get(post.get_absolute_url()))

    human = f"{NEXT_MONTH.day} {NEXT_MONTH:%b %Y}"
    due = one(page, ".verdict-due time")
    assert due["datetime"] == f"{NEXT_MONTH:%Y-%m-%d}"
    assert f"Verdict due {human}" in text(page)
    assert "overdue" not in text(page)


def test_a_check_back_date_gone_by_without_a_verdict_says_overdue(client):
    post = make_post(check_back_by=YESTERDAY)

    page = parse(client.get(post.get_absolute_url()))

    human = f"{YESTERDAY.day} {YESTERDAY:%b %Y}"
    due = one(page, ".verdict-due time")
    assert due["datetime"] == f"{YESTERDAY:%Y-%m-%d}"
    assert f"Verdict overdue: due {human}" in text(page)


def test_due_date_gives_way_to_the_verdict(client):
    post = make_post(check_back_by=YESTERDAY, verdict=Verdict.WRONG)

    page = client.get(post.get_absolute_url())

    assert "Verdict due" not in text(page)
    assert text(page, ".hindsight-banner .hindsight-label strong") == "wrong"


def test_due_for_verdict_means_past_the_date_and_unsettled():
    unjudged = make_post(title="Unjudged and late", check_back_by=YESTERDAY)
    still_open = make_post(title="Open and late", check_back_by=YESTERDAY, verdict=Verdict.STILL_OPEN)
    make_post(title="Settled", check_back_by=YESTERDAY, verdict=Verdict.NAILED_IT)
    make_post(title="Not yet", check_back_by=NEXT_MONTH)
    make_post(title="No date")
    make_post(title="Draft", check_back_by=YESTERDAY, status=Post.Status.DRAFT)

    assert set(Post.objects.due_for_verdict()) == {unjudged, still_open}


def test_admin_lists_posts_due_for_a_verdict(admin_client):
    make_post(title="Unjudged and late", check_back_by=YESTERDAY)
    make_post(title="Settled late", check_back_by=YESTERDAY, verdict=Verdict.WRONG)

    page = admin_client.get(reverse("admin:blog_post_changelist"), {"due": "yes"}).content.decode()

    assert "Unjudged and late" in page
    assert "Settled late" not in page


def test_admin_index_shows_how_many_posts_are_due(admin_client):
    make_post(check_back_by=YESTERDAY)
    make_post(check_back_by=YESTERDAY, verdict=Verdict.STILL_OPEN)

    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "2 posts due for a verdict" in page
    assert "/admin/blog/post/?due=yes" in [href for _, href in links(page)]


# The scorecard


def judged(verdict, *, tags=(), year=None, **fields):
    published_at = fields.pop("published_at", timezone.now() - timedelta(days=2))
    if year:
        published_at = published_at.replace(year=year)
    return make_post(tags=tags, verdict=verdict, published_at=published_at, **fields)


def test_scorecard_counts_with_honest_denominators(client):
    for _ in range(3):
        judged(Verdict.NAILED_IT)
    judged(Verdict.PARTLY_RIGHT)
    judged(Verdict.WRONG)
    judged(Verdict.STILL_OPEN)
    make_post()
    make_post()

    response = client.get(reverse("blog:hindsight"))
    page = " ".join(response.content.decode().split())

    overall = response.context["overall"]
    assert (overall.published, overall.judged, overall.settled, overall.open, overall.unjudged) == (
        8,
        6,
        5,
        1,
        2,
    )
    assert "Right 60% of the time: 3 nailed it out of 5 settled verdicts" in text(page)
    assert "(70% counting “partly right” as half)" in page
    assert "8 published posts: 5 settled, 1 still open, 2 not judged yet." in page


def test_scorecard_with_nothing_settled_says_so(client):
    judged(Verdict.STILL_OPEN)

    page = client.get(reverse("blog:hindsight")).content.decode()

    assert "No verdict is settled yet." in page


def test_scorecard_breaks_down_by_year_and_tag(client):
    judged(Verdict.NAILED_IT, tags=["ai"], year=2024)
    judged(Verdict.WRONG, tags=["ai", "markets"], year=2025)
    judged(Verdict.WRONG, tags=["markets"], year=2025)

    response = client.get(reverse("blog:hindsight"))

    years = {tally.label: tally for tally in response.context["by_year"]}
    assert years[2024].counts[Verdict.NAILED_IT] == 1
    assert years[2025].counts[Verdict.WRONG] == 2
    assert years[2025].right_share == 0
    tags = {tally.label: tally for tally in response.context["by_tag"]}
    assert tags["ai"].right_share == 0.5
    assert tags["markets"].counts[Verdict.WRONG] == 2
    links = {a["href"]: text(a) for a in parse(response).select("a[href]")}
    assert links["/hindsight/?tag=markets"] == "markets"


def test_scorecard_filters_by_tag(client):
    judged(Verdict.NAILED_IT, tags=["ai"], title="AI call")
    judged(Verdict.WRONG, tags=["markets"], title="Markets call")

    response = client.get(reverse("blog:hindsight"), {"tag": "ai"})

    assert response.context["overall"].published == 1
    page = response.content.decode()
    assert "AI call" in page
    assert "Markets call" not in page
    assert "Hindsight: #ai" in page


def test_scorecard_unknown_tag_is_404(client):
    assert client.get(reverse("blog:hindsight"), {"tag": "nope"}).status_code == 404


def test_scorecard_never_counts_drafts(client):
    judged(Verdict.WRONG, status=Post.Status.DRAFT)
    judged(Verdict.WRONG, published_at=timezone.now() + timedelta(days=1))

    assert client.get(reverse("blog:hindsight")).context["overall"].published == 0


def test_scorecard_lists_most_conceded_counterpoints(client):
    post = judged(Verdict.WRONG, title="A wrong call")
    make_counterpoint(
        post, author_name="Partial Pat", body="Partly.", response=Counterpoint.AuthorResponse.PARTLY_CONCEDED
    )
    full = make_counterpoint(
        post, author_name="Right Rita", body="You missed it.", response=Counterpoint.AuthorResponse.CONCEDED
    )
    make_counterpoint(
        post, author_name="Disagreed Dan", body="Nope.", response=Counterpoint.AuthorResponse.DISAGREE
    )
    make_counterpoint(
        post,
        author_name="Pending Paul",
        body="Wait.",
        response=Counterpoint.AuthorResponse.CONCEDED,
        status=Counterpoint.Status.PENDING,
    )

    page = client.get(reverse("blog:hindsight")).content.decode()

    assert "Readers who changed my mind" in page
    assert page.index("Right Rita") < page.index("Partial Pat")
    assert f"{post.get_absolute_url()}#counterpoint-{full.pk}" in [href for _, href in links(page)]
    assert "Disagreed Dan" not in page
    assert "Pending Paul" not in page


def test_scorecard_shows_the_newest_five_conceded_fully_conceded_first(client):
    post = judged(Verdict.WRONG, title="A wrong call")
    now = timezone.now()
    for n in range(4):
        make_counterpoint(
            post,
            author_name=f"Partly {n}",
            response=Counterpoint.AuthorResponse.PARTLY_CONCEDED,
            reviewed_at=now - timedelta(days=n),
        )
    for n in range(2):
        make_counterpoint(
            post,
            author_name=f"Fully {n}",
            response=Counterpoint.AuthorResponse.CONCEDED,
            reviewed_at=now - timedelta(days=10 + n),
        )

    page = parse(client.get(reverse("blog:hindsight")))

    names = [text(item.select("a")[0]) for item in page.select(".conceded-list li")]
    assert names == ["Fully 0", "Fully 1", "Partly 0", "Partly 1", "Partly 2"]


def test_scorecard_query_count_is_fixed_with_500_judged_posts(
    client, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    verdicts = list(Verdict)
    for n in range(500):
        judged(verdicts[n % 4], tags=[f"tag-{n % 7}", "shared"], year=2020 + n % 5)

    client.get(reverse("blog:hindsight"))  # the first reader after a change rebuilds the tallies

    # The tallies' state and rows, the newest judged posts (one query per
    # verdict), most conceded (one per response), the calibration tallies'
    # state and rows, the readers' record.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("blog:hindsight"))
    assert response.context["overall"].judged == 500


# Verdict feed, search facet, ClaimReview


def test_verdict_feed_lists_verdicts_newest_first(client):
    early = make_post(title="Early call")
    make_hindsight(early, verdict=Verdict.STILL_OPEN, decided_at=timezone.now() - timedelta(days=90))
    make_hindsight(
        early, verdict=Verdict.NAILED_IT, note="Called it.", decided_at=timezone.now() - timedelta(days=1)
    )
    other = make_post(title="Other call")
    make_hindsight(other, verdict=Verdict.WRONG, decided_at=timezone.now() - timedelta(days=10))
    hidden = make_post(title="Draft call", status=Post.Status.DRAFT)
    make_hindsight(hidden, verdict=Verdict.WRONG)

    for name in ("claims:verdict-feed", "claims:verdict-feed-atom"):
        feed = read_feed(client, reverse(name))
        titles = [entry.title for entry in feed.entries]
        assert titles == ["nailed it: Early call", "wrong: Other call", "still open: Early call"]
        assert "Called it." in feed.entries[0].summary


def test_search_offers_a_verdict_facet(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows the commit
        make_post(title="Chips one", verdict=Verdict.NAILED_IT)
        make_post(title="Chips two", verdict=Verdict.WRONG)
        make_post(title="Chips three", verdict=Verdict.WRONG)
        make_post(title="Chips four")

    everything = client.get(reverse("blog:search"), {"q": "chips"})
    wrong_only = client.get(reverse("blog:search"), {"q": "chips", "verdict": "wrong"})

    assert everything.context["facets"] == [("nailed_it", "nailed it", 1), ("wrong", "wrong", 2)]
    facets = {a["href"]: text(a) for a in parse(everything).select("a[href]")}
    assert facets["?q=chips&verdict=wrong"] == "wrong (2)"
    assert sorted(post.title for post in wrong_only.context["page_obj"]) == ["Chips three", "Chips two"]
    assert client.get(reverse("blog:search"), {"q": "chips", "verdict": "bogus"}).status_code == 200


def claim_reviews(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [data for data in map(json.loads, blocks) if data["@type"] == "ClaimReview"]


def test_judged_post_carries_claim_review_json_ld(client, settings):
    settings.SITE_URL = "https://blog.example.com"
    post = make_post(title="A call", dek="Costs will fall </script><script>alert(1)</script>")
    make_hindsight(
        post, verdict=Verdict.NAILED_IT, note="It did.", decided_at=timezone.now() - timedelta(days=3)
    )

    page = client.get(post.get_absolute_url()).content.decode()

    [review] = claim_reviews(page)
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "Costs will fall </script><script>alert(1)</script>"
    assert review["reviewRating"]["ratingValue"] == 3
    assert review["reviewRating"]["alternateName"] == "nailed it"
    assert review["datePublished"] == (timezone.now() - timedelta(days=3)).date().isoformat()
    assert review["url"] == f"https://blog.example.com{post.get_absolute_url()}"
    assert "<script>alert(1)</script>" not in page.split("</head>")[0].replace("\\u003C", "")


def test_unjudged_post_has_no_claim_review(client):
    assert claim_reviews(client.get(make_post().get_absolute_url()).content.decode()) == []


def test_verdict_feed_links_land_on_their_verdict(client):
    post = make_post()
    old = make_hindsight(post, verdict=Verdict.STILL_OPEN, decided_at=timezone.now() - timedelta(days=9))
    new = make_hindsight(post, verdict=Verdict.WRONG)

    feed = read_feed(client, reverse("claims:verdict-feed"))
    page = client.get(post.get_absolute_url()).content.decode()

    assert [entry.link.rsplit("#", 1)[1] for entry in feed.entries] == [
        f"verdict-{new.pk}",
        f"verdict-{old.pk}",
    ]
    assert parse(page).select(f"#verdict-{new.pk}") and parse(page).select(f"#verdict-{old.pk}")


def test_scorecard_shows_the_newest_of_each_verdict_and_links_to_the_rest(client):
    for n in range(12):
        judged(
            Verdict.WRONG,
            title=f"Wrong call {n:02}",
            dek=f"Dek {n:02}",
            published_at=timezone.now() - timedelta(days=n + 1),
        )
    judged(Verdict.NAILED_IT, title="The one good call")

    page = parse(client.get(reverse("blog:hindsight")))

    wrong = one(page, "section.verdict-wrong")
    assert [text(a) for a in wrong.select(".verdict-entries li > a")] == [
        "Wrong call 00",
        "Wrong call 01",
        "Wrong call 02",
    ]
    assert [text(dek) for dek in wrong.select(".verdict-entries .dek")] == ["Dek 00", "Dek 01", "Dek 02"]
    assert (
        wrong.select(".verdict-entries li > a")[0]["href"]
        == Post.objects.get(title="Wrong call 00").get_absolute_url()
    )
    assert wrong.select(".verdict-entries time[datetime]")
    assert text(one(wrong, "h2")) == "wrong (12)"
    assert text(one(wrong, ".more a")) == "All 12 posts judged “wrong” →"
    assert one(wrong, ".more a")["href"] == "/hindsight/wrong/"
    nailed = one(page, "section.verdict-nailed_it")
    assert [text(a) for a in nailed.select(".verdict-entries li > a")] == ["The one good call"]
    assert not nailed.select(".more"), "every post of the verdict is already shown"
    assert not page.select("section.verdict-partly_right"), "a verdict nobody got shows no group"
    assert "Wrong call 03" not in text(page)


def test_one_verdicts_posts_are_listed_page_by_page(client):
    for n in range(12):
        judged(Verdict.WRONG, title=f"Wrong call {n:02}", published_at=timezone.now() - timedelta(days=n + 1))
    judged(Verdict.NAILED_IT, title="The one good call")

    second = client.get(reverse("blog:hindsight-verdict", args=["wrong"]), {"page": 2})

    assert [post.title for post in second.context["posts"]] == ["Wrong call 10", "Wrong call 11"]
    assert "12 posts judged “wrong”" in second.content.decode()
    assert client.get("/hindsight/maybe/").status_code == 404


def test_the_old_verdict_listing_address_moves_permanently_to_its_own(client):
    response = client.get("/hindsight/", {"verdict": "wrong", "tag": "ai", "page": "2"})

    assert response.status_code == 301
    assert response["Location"] == "/hindsight/wrong/?tag=ai&page=2"
    assert client.get("/hindsight/", {"verdict": "wrong"})["Location"] == "/hindsight/wrong/"
    assert client.get("/hindsight/", {"verdict": "maybe"}).status_code == 404


def test_the_verdict_listing_links_its_pages_and_feeds_and_is_in_the_sitemap(client):
    for n in range(12):
        judged(Verdict.WRONG, tags=["ai"], published_at=timezone.now() - timedelta(days=n + 1))

    record = parse(client.get(reverse("blog:hindsight"), {"tag": "ai"}))
    listing = parse(client.get(one(record, ".verdict-wrong .more a")["href"]))
    sitemap = client.get(reverse("sitemap")).content.decode()

    assert one(record, ".verdict-wrong .more a")["href"] == "/hindsight/wrong/?tag=ai"
    assert one(listing, 'a[rel="next"]')["href"] == "?tag=ai&page=2"
    assert {link["href"] for link in listing.select('link[rel="alternate"]')} >= {
        reverse("claims:verdict-feed"),
        reverse("claims:verdict-feed-atom"),
    }
    assert "/hindsight/wrong/</loc>" in sitemap
    assert "/hindsight/tags/</loc>" in sitemap
    assert "/hindsight/nailed_it/</loc>" not in sitemap


def test_scorecard_for_a_tag_shows_that_tags_newest_posts(client):
    for n in range(12):
        judged(
            Verdict.WRONG, title=f"Newer untagged {n:02}", published_at=timezone.now() - timedelta(days=n + 1)
        )
    judged(Verdict.WRONG, tags=["ai"], title="Older tagged", published_at=timezone.now() - timedelta(days=60))

    response = client.get(reverse("blog:hindsight"), {"tag": "ai"})

    wrong = one(parse(response), "section.verdict-wrong")
    assert [text(a) for a in wrong.select(".verdict-entries li > a")] == ["Older tagged"]


# The tallies behind the breakdowns (blog/tallies.py)


def hindsight_context(client, **query):
    return client.get(reverse("blog:hindsight"), query).context


def test_a_new_verdict_is_in_the_next_track_record(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    post = judged(Verdict.WRONG, tags=["ai"])
    assert hindsight_context(client)["overall"].counts[Verdict.WRONG] == 1

    make_hindsight(post, verdict=Verdict.NAILED_IT)
    make_post(tags=["ai"])

    context = hindsight_context(client)
    assert dict(context["overall"].counts) == {Verdict.NAILED_IT: 1, "unjudged": 1}
    [ai] = context["by_tag"]
    assert (ai.label, ai.judged, ai.unjudged) == ("ai", 1, 1)


def test_a_rolled_back_change_leaves_the_tallies_as_they_were(client, settings):
    from django.db import transaction

    settings.PAGE_CACHE_SECONDS = 0
    judged(Verdict.WRONG)
    hindsight_context(client)

    with pytest.raises(RuntimeError), transaction.atomic():
        judged(Verdict.NAILED_IT)
        raise RuntimeError

    assert TallyState.objects.get(name="verdicts").stale is False
    assert hindsight_context(client)["overall"].published == 1


def test_a_scheduled_post_is_counted_once_its_time_comes(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    judged(Verdict.WRONG, published_at=timezone.now() + timedelta(hours=1))
    assert hindsight_context(client)["overall"].published == 0

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert hindsight_context(client)["overall"].counts[Verdict.WRONG] == 1


def test_the_track_record_costs_the_same_with_5_or_300_posts(client, settings):
    settings.PAGE_CACHE_SECONDS = 0

    def queries():
        client.get(reverse("blog:hindsight"))  # the first reader after a change rebuilds the tallies
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("blog:hindsight"))
            client.get(reverse("blog:hindsight"), {"tag": "tag-1"})
        return len(captured)

    verdicts = list(Verdict)
    for n in range(5):
        judged(verdicts[n % 4], tags=[f"tag-{n % 3}"], year=2020 + n % 3)
    few = queries()
    for n in range(300):
        judged(verdicts[n % 4], tags=[f"tag-{n % 7}", "shared"], year=2018 + n % 6)
    assert queries() == few


# Bounded whatever the site's size: the top tags here, every tag on /hindsight/tags/


def tagged_record(tags):
    """A judged post under each of ``tags`` ``{slug: judged posts}`` times, plus an unjudged one each."""
    for slug, n in tags.items():
        for _ in range(n):
            judged(Verdict.WRONG, tags=[slug])
        make_post(tags=[slug])


def test_the_by_tag_table_shows_the_tags_with_the_most_judged_posts_and_links_to_every_tag(client):
    tagged_record({f"tag-{n:02}": 1 + n % 3 for n in range(20)})

    page = parse(client.get(reverse("blog:hindsight")))

    rows = [text(th) for th in page.select("#by-tag-heading ~ .table-scroll tbody th")]
    # 6 tags with 3 judged posts, 7 with 2, then the first two by name of those with 1.
    ranked = sorted((f"tag-{n:02}" for n in range(20)), key=lambda slug: (-(int(slug[4:]) % 3), slug))
    assert len(rows) == scorecard.TOP_TAGS == 15
    assert rows == ranked[:15], "most judged first, then by name"
    assert rows[-2:] == ["tag-00", "tag-03"]
    assert one(page, "#by-tag-heading ~ .more a")["href"] == "/hindsight/tags/"
    assert text(one(page, "#by-tag-heading ~ .more a")) == "Every tag’s record →"


def test_the_tag_filter_offers_the_top_tags_and_the_chosen_one(client):
    tagged_record({f"tag-{n:02}": 1 + n % 3 for n in range(20)})

    page = parse(client.get(reverse("blog:hindsight"), {"tag": "tag-18"}))

    options = [option["value"] for option in page.select("#scorecard-tag option")]
    assert len(options) == 1 + scorecard.TOP_TAGS + 1
    assert options[0] == "" and "tag-18" in options, "the tag on show is offered even outside the top"
    assert options[1:] == sorted(options[1:])
    assert one(page, "#scorecard-tag option[selected]")["value"] == "tag-18"
    assert one(page, ".scorecard-filter a")["href"] == "/hindsight/tags/"
    assert text(one(page, ".page-title")) == "Hindsight: #tag-18"


def test_the_by_tag_page_lists_every_tag_page_by_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    tagged_record({f"tag-{n:02}": 1 + n % 3 for n in range(scorecard.TAGS_PER_PAGE + 5)})
    ranked = sorted(
        (f"tag-{n:02}" for n in range(scorecard.TAGS_PER_PAGE + 5)), key=lambda s: (-(int(s[4:]) % 3), s)
    )

    first = parse(client.get(reverse("blog:hindsight-tags")))
    second = parse(client.get(reverse("blog:hindsight-tags"), {"page": 2}))

    assert [text(th) for th in first.select("tbody th")] == ranked[: scorecard.TAGS_PER_PAGE]
    assert [text(th) for th in second.select("tbody th")] == ranked[scorecard.TAGS_PER_PAGE :]
    assert f"{scorecard.TAGS_PER_PAGE + 5} tags, the ones with the most judged posts first." in text(first)
    row = first.select("tbody tr")[0]
    assert one(row, "th a")["href"] == f"/hindsight/?tag={ranked[0]}"
    # tag, nailed it, partly right, wrong, still open, unjudged, right
    assert [text(td) for td in row.select("td")] == ["0", "0", "3", "0", "1", "0%"]
    assert one(first, 'a[rel="next"]')["href"] == "?page=2"
    assert one(second, 'a[rel="prev"]')["href"] == "?page=1"
    assert text(one(first, ".pagination span")) == "Page 1 of 2"
    assert client.get(reverse("blog:hindsight-tags"), {"page": 3}).status_code == 404
    assert client.get(reverse("blog:hindsight-tags"), {"page": "x"}).status_code == 404


def test_the_by_tag_page_with_no_tags_says_so(client):
    judged(Verdict.WRONG)

    page = parse(client.get(reverse("blog:hindsight-tags")))

    assert text(one(page, ".empty")) == "No published post carries a tag yet."
    assert not page.select("table")
    assert one(page, ".page-sub a")["href"] == "/hindsight/"


def test_the_by_tag_page_never_counts_drafts(client):
    judged(Verdict.WRONG, tags=["public"])
    judged(Verdict.WRONG, tags=["secret"], status=Post.Status.DRAFT)

    page = parse(client.get(reverse("blog:hindsight-tags")))

    assert [text(th) for th in page.select("tbody th")] == ["public"]


def test_the_overview_and_the_by_tag_page_cost_the_same_with_3_or_60_tags(client, settings):
    settings.PAGE_CACHE_SECONDS = 0

    def queries_and_size():
        urls = [
            reverse("blog:hindsight"),
            f"{reverse('blog:hindsight')}?tag=tag-00",
            reverse("blog:hindsight-tags"),
        ]
        client.get(urls[0])  # the first reader after a change rebuilds the tallies
        with CaptureQueriesContext(connection) as captured:
            pages = [parse(client.get(url)) for url in urls]
        shown = sum(
            len(page.select(".verdict-entries li, #scorecard-tag option, #by-tag-heading ~ * tbody tr"))
            for page in pages[:2]
        )
        return len(captured), shown

    tagged_record({f"tag-{n:02}": 1 for n in range(3)})
    few, _ = queries_and_size()
    tagged_record({f"tag-{n:02}": 1 + n % 4 for n in range(3, 60)})
    many, shown = queries_and_size()
    assert many == few
    tagged_record({f"more-{n:02}": 5 for n in range(40)})
    assert queries_and_size() == (many, shown), "the overview shows as much with 60 tags as with 100"


def test_the_overview_of_a_site_without_verdicts_says_so(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    empty = parse(client.get(reverse("blog:hindsight")))
    make_post(tags=["ai"])

    unjudged = parse(client.get(reverse("blog:hindsight")))

    assert "No post has a verdict yet." in [text(p) for p in empty.select("p.empty")]
    assert not empty.select("#by-tag-heading"), "no tag, no by-tag table"
    assert "No post has a verdict yet." in [text(p) for p in unjudged.select("p.empty")]
    assert not unjudged.select(".verdict-entries, .conceded-list")
    assert [text(th) for th in unjudged.select("#by-tag-heading ~ .table-scroll tbody th")] == ["ai"]


def test_a_tag_that_gains_verdicts_rises_in_the_next_by_tag_table(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    tagged_record({"first": 2, "second": 1})

    def ranked():
        page = parse(client.get(reverse("blog:hindsight-tags")))
        return [text(th) for th in page.select("tbody th")]

    assert ranked() == ["first", "second"]
    tagged_record({"second": 2})
    assert ranked() == ["second", "first"]
