"""What readers see of counterpoints on post pages and post lists."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from counterpoints.models import Counterpoint
from tests.counterpoints.factories import counterpoints_section, make_counterpoint
from tests.factories import make_post

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
    html = page(client, make_post())
    assert '<h2 id="counterpoints-heading">Counterpoints</h2>' in html
    assert INVITATION in html
    assert "No approved counterpoints yet." in html


def test_approved_counterpoint_is_shown(client):
    post = make_post()
    make_counterpoint(post, body="Approved and *visible* to everyone.")
    html = page(client, post)
    assert "Approved and <em>visible</em> to everyone." in html
    assert "No approved counterpoints yet." not in html


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
    html = page(client, post)
    assert "Grace Hopper" in html
    assert '<span class="stance-badge stance-extend">extends</span>' in html
    assert "14 Mar 2025" in html


@pytest.mark.parametrize(
    ("stance", "label"),
    [("push_back", "pushes back"), ("extend", "extends"), ("sharpen", "sharpens")],
)
def test_each_stance_has_a_readable_label(client, stance, label):
    post = make_post()
    make_counterpoint(post, stance=stance)
    assert f">{label}</span>" in page(client, post)


def test_author_with_website_is_linked_as_user_content(client):
    post = make_post()
    make_counterpoint(post, author_name="Linus", author_website="https://example.org/linus")
    html = page(client, post)
    assert '<a href="https://example.org/linus" rel="nofollow ugc noopener">Linus</a>' in html


def test_author_without_website_is_not_linked(client):
    post = make_post()
    make_counterpoint(post, author_name="Plain Name")
    html = page(client, post)
    assert '<span class="counterpoint-author">Plain Name</span>' in html


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
    assert "Reply from the author" in html
    assert "Fair: <em>see the update</em>." in html
    assert html.index("You forgot the GPUs") < html.index("Reply from the author")


def test_moderator_note_is_never_shown(client):
    post = make_post()
    make_counterpoint(post, moderator_note="Borderline; approved anyway.")
    assert "Borderline" not in page(client, post)


def test_response_is_shown_as_a_badge(client):
    post = make_post()
    make_counterpoint(post, response=Counterpoint.Response.PARTLY_CONCEDED)
    html = page(client, post)
    assert '<span class="response-badge response-partly_conceded">author: partly conceded</span>' in html


def test_no_response_badge_without_a_response(client):
    post = make_post()
    make_counterpoint(post)
    assert "response-badge" not in page(client, post)


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
    assert f'<span class="response-badge response-{response}">{badge}</span>' in page(client, post)


def test_section_counts_counterpoints_and_how_the_author_took_them(client):
    post = make_post()
    for response in ["conceded", "partly_conceded", "conceded", "disagree", ""]:
        make_counterpoint(post, response=response)
    make_counterpoint(post, status=Counterpoint.Status.PENDING, response="conceded")
    html = counterpoints_section(page(client, post))
    assert (
        '<p class="counterpoint-summary">5 counterpoints, 2 conceded, 1 partly conceded, 1 disputed</p>'
    ) in html
    assert html.index("counterpoint-summary") < html.index('<ol class="counterpoint-list">')


def test_section_count_in_the_singular_without_responses(client):
    post = make_post()
    make_counterpoint(post)
    assert '<p class="counterpoint-summary">1 counterpoint</p>' in page(client, post)


def test_no_count_before_any_counterpoint_is_approved(client):
    post = make_post()
    make_counterpoint(post, status=Counterpoint.Status.PENDING)
    assert "counterpoint-summary" not in page(client, post)


def test_open_post_shows_the_form_with_labelled_fields(client):
    html = page(client, make_post())
    assert '<form id="counterpoint-form"' in html
    for field_id, label in [
        ("id_stance", "Stance"),
        ("id_author_name", "Name"),
        ("id_author_email", "E-mail (optional, never shown)"),
        ("id_author_website", "Website (optional)"),
        ("id_quote", "Quoted passage (optional)"),
        ("id_body", "Counterpoint"),
    ]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html


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
    assert 'id="counterpoint-form"' not in html
    assert "Approved before the post was closed." in html


def test_draft_preview_shows_no_form(admin_client):
    post = make_post(status="draft")
    html = admin_client.get(post.get_absolute_url()).content.decode()
    assert 'id="counterpoint-form"' not in html
    assert "once this post is published" in html


@pytest.mark.parametrize("url", ["/", "/tags/prediction/"])
def test_post_lists_show_the_approved_counterpoint_count(client, url):
    post = make_post(tags=["prediction"])
    for _ in range(3):
        make_counterpoint(post)
    for status in [Counterpoint.Status.PENDING, Counterpoint.Status.REJECTED, Counterpoint.Status.SPAM]:
        make_counterpoint(post, status=status)
    html = client.get(url).content.decode()
    assert (
        f'<a class="counterpoint-count" href="{post.get_absolute_url()}#counterpoints">3 counterpoints</a>'
        in html
    )


def test_post_list_shows_zero_and_one_counterpoints_in_words(client):
    quiet = make_post(title="Quiet post")
    single = make_post(title="Answered post")
    make_counterpoint(single)
    make_counterpoint(quiet, status=Counterpoint.Status.PENDING)
    html = client.get("/").content.decode()
    assert f'href="{quiet.get_absolute_url()}#counterpoints">0 counterpoints</a>' in html
    assert f'href="{single.get_absolute_url()}#counterpoints">1 counterpoint</a>' in html


def test_hindsight_page_shows_the_count_too(client):
    post = make_post(verdict="wrong")
    make_counterpoint(post)
    make_counterpoint(post)
    assert ">2 counterpoints</a>" in client.get("/hindsight/").content.decode()
