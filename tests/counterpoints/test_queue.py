"""
Queue ergonomics (issue 13): the change form shows the counterpoint as
readers would see it (safely) with its quote; excerpts are plain words
everywhere they are shown, pages and mails alike; the "By post" filter
lists only posts with pending counterpoints; the status filter counts.
"""

import re

import pytest
from django.urls import reverse

from counterpoints import services
from counterpoints.models import Counterpoint
from tests.support.admin import REVIEW_QUEUE, counterpoint_change_url
from tests.support.factories import make_counterpoint, make_hindsight, make_post, make_user
from tests.support.forms import form_values
from tests.support.html import field_value
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status
MARKDOWN = "The **cloud-rate** is `wrong` and [the source](https://example.org/r) says _so_, twice over."
PLAIN = "The cloud-rate is wrong and the source says so, twice over."
MARKERS = re.compile(r"\*\*|`|\]\(|\b_so_\b")


def test_the_change_form_shows_the_rendered_body_and_the_quote_safely(admin_client):
    counterpoint = make_counterpoint(
        make_post(),
        status=Status.PENDING,
        body="It is **wrong**. <script>alert(1)</script> [x](javascript:alert(2))",
        quote="Stories <b>spread</b> faster.",
    )
    html = admin_client.get(counterpoint_change_url(counterpoint)).content
    html = html.decode()
    assert "<p>It is <strong>wrong</strong>." in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "<blockquote>Stories &lt;b&gt;spread&lt;/b&gt; faster.</blockquote>" in html


def test_the_by_post_filter_lists_only_posts_with_pending_counterpoints(admin_client):
    busy, quiet, judged = (
        make_post(title="Busy post"),
        make_post(title="Quiet post"),
        make_post(title="Done post"),
    )
    make_counterpoint(busy, status=Status.PENDING)
    make_counterpoint(busy, status=Status.PENDING)
    make_counterpoint(judged, status=Status.APPROVED)
    html = admin_client.get(REVIEW_QUEUE).content.decode()
    assert "Busy post (2)" in html
    assert "Quiet post" not in html
    assert "Done post" not in html
    assert quiet  # a post without counterpoints is not offered either


def test_the_status_filter_counts_each_status(admin_client):
    post = make_post()
    for status, n in [(Status.PENDING, 3), (Status.APPROVED, 2), (Status.SPAM, 1)]:
        for _ in range(n):
            make_counterpoint(post, status=status)
    html = admin_client.get(REVIEW_QUEUE).content.decode()
    for label in ["pending (3)", "approved (2)", "rejected (0)", "spam (1)", "All (6)"]:
        assert label in html


# No Markdown markers wherever an excerpt is shown


@pytest.fixture
def marked_up(settings):
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    post = make_post(title="The argument")
    counterpoint = make_counterpoint(
        post, author_email="ada@example.com", response="conceded", quote="A passage of the post."
    )
    Counterpoint.objects.filter(pk=counterpoint.pk).update(body=MARKDOWN)
    counterpoint.refresh_from_db()
    counterpoint.save()  # body_html from the new body
    return counterpoint


def excerpt_of(html):
    return [line for line in html.splitlines() if "cloud-rate" in line]


@pytest.mark.parametrize(
    "surface",
    ["hindsight page", "review queue", "post's admin page", "moderators' mail", "answer mail", "object name"],
)
def test_no_markdown_markers_where_an_excerpt_is_shown(client, admin_client, sent_mail, marked_up, surface):
    post = marked_up.post
    if surface == "hindsight page":
        make_hindsight(post, verdict="wrong")
        text = "\n".join(excerpt_of(client.get(reverse("blog:hindsight")).content.decode()))
    elif surface == "review queue":
        text = "\n".join(excerpt_of(admin_client.get(REVIEW_QUEUE, {"status": "all"}).content.decode()))
    elif surface == "post's admin page":
        text = "\n".join(
            excerpt_of(admin_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode())
        )
    elif surface == "moderators' mail":
        services.submit_counterpoint(post=post, stance="extend", author_name="Bo", body=MARKDOWN + " Again.")
        text = sent_mail()[-1].body
    elif surface == "answer mail":
        services.answer_counterpoint(
            counterpoint=marked_up,
            response="conceded",
            reply="You were **right**.",
            by=make_user(superuser=True),
        )
        text = sent_mail()[-1].body
        assert "You were right." in text
    else:
        text = str(marked_up)
    assert "cloud-rate" in text
    assert not MARKERS.search(text), text


# The reader's Preview button (no JavaScript needed)


def test_preview_renders_the_text_keeps_it_and_sends_nothing(client, sent_mail):

    post = make_post()
    body = "My point is **bold**. <script>alert(1)</script>"
    response = client.post(submit_url(post), {**form_data(post, body=body), "preview": "1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: not sent yet" in html
    assert "<p>My point is <strong>bold</strong>." in html
    assert "<script>alert(1)" not in html
    assert "My point is **bold**. &lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html  # kept to edit
    assert not Counterpoint.objects.exists()
    assert sent_mail() == []


def test_a_previewed_form_can_then_be_sent(client):

    post = make_post()
    preview = client.post(submit_url(post), {**form_data(post, body="Previewed, then sent."), "preview": "1"})
    data = form_values(preview.content.decode(), "counterpoint-form")
    data.pop("preview", None)
    response = client.post(submit_url(post), data, follow=True)
    assert "your counterpoint awaits review" in response.content.decode()
    assert Counterpoint.objects.get().body == "Previewed, then sent."


def test_preview_of_an_invalid_form_shows_the_errors_and_keeps_the_text(client):

    post = make_post()
    response = client.post(
        submit_url(post), {**form_data(post, author_name="", body="Kept even so."), "preview": "1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Preview: not sent yet" not in html
    assert field_value(html, "body") == "Kept even so."
