"""What readers see of counterpoints on post pages and post lists."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from counterpoints.models import Counterpoint
from tests.support.factories import make_counterpoint, make_post
from tests.support.html import counterpoints_section, one, parse, text, texts

pytestmark = pytest.mark.django_db

INVITATION = (
    "Push back, extend the argument, or sharpen it. "
    "New counterpoints go through review before they show up here."
)


def page(client, post):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_post_page_has_the_counterpoints_section_with_invitation_and_empty_state(client):
    section = one(page(client, make_post()), "section#counterpoints")
    assert text(section, "h2") == "Counterpoints"
    assert INVITATION in text(section)
    assert "No approved counterpoints yet." in text(section)


def test_approved_counterpoint_is_shown(client):
    post = make_post()
    make_counterpoint(post, body="Approved and *visible* to everyone.")
    section = one(page(client, post), "section#counterpoints")
    assert texts(section, ".counterpoint-body") == ["Approved and visible to everyone."]
    assert "No approved counterpoints yet." not in text(section)


@pytest.mark.parametrize(
    "status", [Counterpoint.Status.PENDING, Counterpoint.Status.REJECTED, Counterpoint.Status.SPAM]
)
def test_unapproved_counterpoint_is_never_shown(client, status):
    post = make_post()
    make_counterpoint(post, status=status, author_name="Hidden Person", body="Not for readers' eyes.")
    html = page(client, post)
    assert "Not for readers" not in html
    assert "Hidden Person" not in html
    assert "No approved counterpoints yet." in html


def test_approved_counterpoints_are_listed_oldest_first(client):
    post = make_post()
    now = timezone.now()
    make_counterpoint(post, body="The newer counterpoint text.", submitted_at=now - timedelta(hours=1))
    make_counterpoint(post, body="The older counterpoint text.", submitted_at=now - timedelta(days=2))
    html = page(client, post)
    assert html.index("The older counterpoint") < html.index("The newer counterpoint")


def test_counterpoint_shows_stance_author_and_date(client):
    post = make_post()
    make_counterpoint(
        post,
        stance=Counterpoint.Stance.EXTEND,
        author_name="Grace Hopper",
        submitted_at=datetime(2025, 3, 14, 12, tzinfo=UTC),
    )
    counterpoint = one(page(client, post), "article.counterpoint")
    assert text(counterpoint, ".counterpoint-author") == "Grace Hopper"
    assert text(counterpoint, ".stance-badge") == "extends"
    assert "14 Mar 2025" in text(counterpoint)


@pytest.mark.parametrize(
    ("stance", "label"),
    [("push_back", "pushes back"), ("extend", "extends"), ("sharpen", "sharpens")],
)
def test_each_stance_has_a_readable_label(client, stance, label):
    post = make_post()
    make_counterpoint(post, stance=stance)
    assert text(page(client, post), "article.counterpoint .stance-badge") == label


def test_author_with_website_is_linked_as_user_content(client):
    post = make_post()
    make_counterpoint(post, author_name="Linus", author_website="https://example.org/linus")
    html = page(client, post)
    assert '<a href="https://example.org/linus" rel="nofollow ugc noopener">Linus</a>' in html


def test_author_without_website_is_not_linked(client):
    post = make_post()
    make_counterpoint(post, author_name="Plain Name")
    author = one(page(client, post), ".counterpoint-author")
    assert text(author) == "Plain Name"
    assert author.select("a") == []


def test_email_is_never_shown(client):
    post = make_post()
    make_counterpoint(post, author_email="private.person@example.com")
    assert "private.person" not in page(client, post)


def test_quoted_passage_is_shown_escaped(client):
    post = make_post()
    make_counterpoint(post, quote="The number is <b>wrong</b>\nand it matters.")
    html = page(client, post)
    quoted = "The number is &lt;b&gt;wrong&lt;/b&gt;<br>and it matters."
    assert f'<blockquote class="counterpoint-quote"><p>{quoted}</p>' in html


def test_counterpoint_without_quote_has_no_quote_block(client):
    post = make_post()
    make_counterpoint(post, quote="")
    assert "counterpoint-quote" not in page(client, post)


def test_author_reply_is_shown_under_the_counterpoint(client):
    post = make_post()
    make_counterpoint(post, body="You forgot the GPUs entirely.", author_reply="Fair: *see the update*.")
    html = page(client, post)
    shown = text(html, "article.counterpoint")
    assert "Reply from the author Fair: see the update." in shown
    assert shown.index("You forgot the GPUs") < shown.index("Reply from the author")


def test_moderator_note_is_never_shown(client):
    post = make_post()
    make_counterpoint(post, moderator_note="Borderline; approved anyway.")
    assert "Borderline" not in page(client, post)


def test_response_is_shown_as_a_badge(client):
    post = make_post()
    make_counterpoint(post, response=Counterpoint.AuthorResponse.PARTLY_CONCEDED)
    assert text(page(client, post), "article.counterpoint .response-badge") == "author: partly conceded"


def test_no_response_badge_without_a_response(client):
    post = make_post()
    make_counterpoint(post)
    assert parse(page(client, post)).select(".response-badge") == []


@pytest.mark.parametrize(
    ("response", "badge"),
    [
        ("conceded", "author: conceded"),
        ("partly_conceded", "author: partly conceded"),
        ("disagree", "author: disagree"),
        ("addressed", "author: addressed in an update"),
    ],
)
def test_each_author_response_has_its_badge(client, response, badge):
    post = make_post()
    make_counterpoint(post, response=response)
    assert text(page(client, post), "article.counterpoint .response-badge") == badge


def test_section_counts_counterpoints_and_how_the_author_took_them(client):
    post = make_post()
    for response in ["conceded", "partly_conceded", "conceded", "disagree", ""]:
        make_counterpoint(post, response=response)
    make_counterpoint(post, status=Counterpoint.Status.PENDING, response="conceded")
    section = one(page(client, post), "section#counterpoints")
    assert (
        text(section, ".counterpoint-summary") == "5 counterpoints, 2 conceded, 1 partly conceded, 1 disputed"
    )
    assert section.select_one(".counterpoint-summary ~ ol.counterpoint-list"), (
        "the count comes before the list"
    )


def test_section_count_in_the_singular_without_responses(client):
    post = make_post()
    make_counterpoint(post)
    assert text(page(client, post), ".counterpoint-summary") == "1 counterpoint"


def test_no_count_before_any_counterpoint_is_approved(client):
    post = make_post()
    make_counterpoint(post, status=Counterpoint.Status.PENDING)
    assert parse(page(client, post)).select(".counterpoint-summary") == []


def test_open_post_shows_the_form_with_labelled_fields(client):
    form = one(page(client, make_post()), "form#counterpoint-form")
    for field_id, label in [
        ("id_stance", "Stance"),
        ("id_author_name", "Name"),
        ("id_author_email", "E-mail (optional, never shown)"),
        ("id_author_website", "Website (optional)"),
        ("id_quote", "Quoted passage (optional)"),
        ("id_body", "Counterpoint"),
    ]:
        assert text(form, f'label[for="{field_id}"]') == label
        assert form.select_one(f"#{field_id}") is not None
    assert form.select_one('input[name="csrfmiddlewaretoken"]') is not None


def test_form_has_no_inline_script_or_style(client):
    html = page(client, make_post())
    section = counterpoints_section(html)
    assert "<script" not in section
    assert "style=" not in section
    assert " on" + "submit=" not in section


def test_closed_post_shows_a_notice_instead_of_the_form(client):
    post = make_post(counterpoints_open=False)
    make_counterpoint(post, body="Approved before the post was closed.")
    html = page(client, post)
    assert "This post is closed to new counterpoints." in html
    assert not parse(html).select("#counterpoint-form")
    assert "Approved before the post was closed." in html


def test_draft_preview_shows_no_form(admin_client):
    post = make_post(status="draft")
    html = admin_client.get(post.get_absolute_url()).content.decode()
    assert not parse(html).select("#counterpoint-form")
    assert "once this post is published" in html


@pytest.mark.parametrize("url", ["/", "/tags/prediction/"])
def test_post_lists_show_the_approved_counterpoint_count(client, url):
    post = make_post(tags=["prediction"])
    for _ in range(3):
        make_counterpoint(post)
    for status in [Counterpoint.Status.PENDING, Counterpoint.Status.REJECTED, Counterpoint.Status.SPAM]:
        make_counterpoint(post, status=status)
    count = one(client.get(url), "a.counterpoint-count")
    assert (text(count), count["href"]) == ("3 counterpoints", f"{post.get_absolute_url()}#counterpoints")


def test_post_list_shows_zero_and_one_counterpoints_in_words(client):
    quiet = make_post(title="Quiet post")
    single = make_post(title="Answered post")
    make_counterpoint(single)
    make_counterpoint(quiet, status=Counterpoint.Status.PENDING)
    counts = {a["href"]: text(a) for a in parse(client.get("/")).select("a.counterpoint-count")}
    assert counts == {
        f"{quiet.get_absolute_url()}#counterpoints": "0 counterpoints",
        f"{single.get_absolute_url()}#counterpoints": "1 counterpoint",
    }


def test_a_verdict_listing_shows_the_count_too(client):
    # /hindsight/ itself lists the newest posts of each verdict compactly (title, date, dek).
    post = make_post(verdict="wrong")
    make_counterpoint(post)
    make_counterpoint(post)
    assert texts(client.get("/hindsight/wrong/"), "a.counterpoint-count") == ["2 counterpoints"]


def test_the_forms_fields_drawn_once_per_process_follow_a_changed_link_limit(client, settings):
    # The unbound form's fields are rendered once per process for each way
    # they can look (counterpoint_tags.empty_form_fields): the body's help text
    # names the link limit, so a new limit must not be served the old text.
    settings.PAGE_CACHE_SECONDS = 0  # each page rendered anew: the process's memo is what is tested
    post = make_post()
    settings.COUNTERPOINT_MAX_LINKS = 2
    before = text(parse(page(client, post)), "#id_body_helptext")
    settings.COUNTERPOINT_MAX_LINKS = 5
    after = text(parse(page(client, post)), "#id_body_helptext")

    assert before.endswith("at most 2 links.")
    assert after.endswith("at most 5 links.")
