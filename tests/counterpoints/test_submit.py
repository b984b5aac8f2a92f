"""A reader sends a counterpoint: POST, redirect, held for review."""

import re

import pytest

from counterpoints.forms import BIDI as BIDI_MESSAGE
from counterpoints.models import Counterpoint, Status
from counterpoints.services import moderate_counterpoint
from tests.support.factories import make_post
from tests.support.html import field_value, one, text
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db


def test_valid_counterpoint_redirects_back_to_the_post(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post))
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url() + "#counterpoint-sent"


def test_after_the_redirect_the_reader_is_told_it_awaits_review(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post), follow=True)
    assert "your counterpoint awaits review" in text(response, ".message.message-success")


def test_the_thank_you_is_shown_at_the_form_and_can_take_the_focus(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post), follow=True)
    html = response.content.decode()
    # The redirect's fragment names the box, which sits just above the form, not at the top of the page.
    assert html.count('class="messages"') == 1
    box = html.index('id="counterpoint-sent" tabindex="-1"')
    assert html.index('id="counterpoints"') < box < html.index('id="counterpoint-form"')
    assert "your counterpoint awaits review" in html[box:]


def test_submitted_counterpoint_is_stored_pending_with_what_the_reader_sent(client):
    post = make_post()
    client.post(
        submit_url(post),
        form_data(
            post,
            stance="extend",
            author_name="Ada Reader",
            author_email="ada@example.com",
            author_website="https://ada.example.com/",
            quote="Stories spread faster than corrections.",
            body="And corrections spread faster when they come with **data**.",
        ),
    )
    counterpoint = Counterpoint.objects.get()
    assert counterpoint.post == post
    assert counterpoint.status == Counterpoint.Status.PENDING
    assert counterpoint.stance == "extend"
    assert counterpoint.author_name == "Ada Reader"
    assert counterpoint.author_email == "ada@example.com"
    assert counterpoint.author_website == "https://ada.example.com/"
    assert counterpoint.quote == "Stories spread faster than corrections."
    assert (
        counterpoint.body_html
        == "<p>And corrections spread faster when they come with <strong>data</strong>.</p>\n"
    )


def test_submitted_counterpoint_is_not_public_until_approved(client, admin_user):
    post = make_post()
    data = form_data(post, body="Nobody may read this before a moderator does.")
    client.post(submit_url(post), data)
    assert "Nobody may read this" not in client.get(post.get_absolute_url()).content.decode()

    moderate_counterpoint(Counterpoint.objects.get(), Status.APPROVED, by=admin_user)
    assert "Nobody may read this" in client.get(post.get_absolute_url()).content.decode()


def test_submitter_ip_and_user_agent_are_stored(client):
    post = make_post()
    client.post(
        submit_url(post), form_data(post), REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="TestBrowser/1.0"
    )
    counterpoint = Counterpoint.objects.get()
    assert counterpoint.ip_address == "203.0.113.7"
    assert counterpoint.user_agent == "TestBrowser/1.0"


def test_an_overlong_user_agent_is_cut_to_fit(client):
    post = make_post()
    client.post(submit_url(post), form_data(post), HTTP_USER_AGENT="x" * 1000)
    assert len(Counterpoint.objects.get().user_agent) == 300


def test_email_and_website_are_optional(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post, author_email="", author_website=""))
    assert response.status_code == 302
    assert Counterpoint.objects.get().author_email == ""


def test_get_on_the_submit_url_is_not_allowed(client):
    post = make_post()
    assert client.get(submit_url(post)).status_code == 405


def test_posting_requires_a_csrf_token():
    from django.test import Client

    post = make_post()
    response = Client(enforce_csrf_checks=True).post(submit_url(post), form_data(post))
    assert response.status_code == 403
    assert not Counterpoint.objects.exists()


def test_counterpoint_for_a_draft_is_refused(client):
    post = make_post(status="draft")
    assert client.post(submit_url(post), form_data(post)).status_code == 404
    assert not Counterpoint.objects.exists()


def test_counterpoint_for_an_unknown_post_is_not_found(client):
    post = make_post()
    assert client.post("/posts/no-such-post/counterpoints/", form_data(post)).status_code == 404


# Invalid input


def test_invalid_form_is_shown_again_with_everything_the_reader_typed(client):
    post = make_post()
    data = form_data(
        post,
        author_name="",
        author_email="ada@example.com",
        author_website="https://ada.example.com/",
        quote="The quoted <passage>.",
        body="My long & careful argument, which took an hour to write.",
        stance="sharpen",
    )
    response = client.post(submit_url(post), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your counterpoint has not been sent yet." in html
    assert field_value(html, "body") == "My long & careful argument, which took an hour to write."
    assert field_value(html, "quote") == "The quoted <passage>."
    assert field_value(html, "author_email") == "ada@example.com"
    assert field_value(html, "author_website") == "https://ada.example.com/"
    assert field_value(html, "stance") == "sharpen"
    assert not Counterpoint.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stance", "", "Choose whether you push back, extend or sharpen."),
        ("stance", "agree", "Select a valid choice. agree is not one of the available choices."),
        ("author_name", "", "Give a name to show with your counterpoint."),
        ("author_name", "n" * 81, "Please keep this to at most 80 characters (it has 81)."),
        ("author_email", "not-an-address", "This does not look like an e-mail address."),
        ("author_website", "javascript:alert(1)", "Enter a web address starting with https://."),
        ("author_website", "ftp://example.com/", "Enter a web address starting with https://."),
        ("quote", "q" * 1001, "Please keep this to at most 1000 characters (it has 1001)."),
        ("body", "", "Write your counterpoint."),
        ("body", "Too short", "Please write at least 10 characters (this has 9)."),
        ("body", "b" * 5001, "Please keep this to at most 5000 characters (it has 5001)."),
        ("author_name", "Mallory\nModerator: approved", "Please give your name on one line."),
        ("body", "A reversed \u202eword: gpj.exe, hidden here", BIDI_MESSAGE),
        ("quote", "Quoted \u2067text\u2069", BIDI_MESSAGE),
    ],
)
def test_each_invalid_field_gets_its_own_error(client, field, value, message):
    post = make_post()
    response = client.post(submit_url(post), form_data(post, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert text(html, f"#id_{field}_error") == message
    widget = one(html, f'[name="{field}"]')
    assert widget["aria-invalid"] == "true"
    assert f"id_{field}_error" in widget["aria-describedby"].split()
    assert not Counterpoint.objects.exists()


def test_an_invalid_form_gets_a_fresh_token(client):
    post = make_post()
    data = form_data(post, author_name="")
    html = client.post(submit_url(post), data).content.decode()
    assert f'value="{data["issued"]}"' not in html
    assert 'name="issued"' in html


def test_correcting_an_invalid_form_then_sends_it(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post, author_name=""))
    fresh_token = response.context["counterpoint_form"]["issued"].value()
    response = client.post(submit_url(post), form_data(post, issued=fresh_token))
    assert response.status_code == 302
    assert Counterpoint.objects.count() == 1


# Closed posts


def test_post_closed_to_counterpoints_refuses_a_post(client):
    post = make_post(counterpoints_open=False)
    response = client.post(submit_url(post), form_data(post))
    assert response.status_code == 403
    assert "This post is closed to new counterpoints." in response.content.decode()
    assert not Counterpoint.objects.exists()


def test_refused_post_to_a_closed_post_hands_the_text_back(client):
    post = make_post(counterpoints_open=False)
    response = client.post(submit_url(post), form_data(post, body="Written before it closed & lost?"))
    assert text(response, "textarea#unsent-body") == "Written before it closed & lost?"


# Duplicates


def answer(response):
    """What the reader is told after sending, with the private link taken out."""
    return re.sub(
        r"/counterpoints/status/[^/]+/", "/counterpoints/status/…/", text(response, "#counterpoint-sent")
    )


def test_the_same_body_sent_twice_to_the_same_post_is_held_for_review_once(client):
    post = make_post()
    first = client.post(
        submit_url(post), form_data(post, body="Exactly the same words, sent twice."), follow=True
    )
    again = client.post(
        submit_url(post), form_data(post, body="EXACTLY   the same\u200b words,\nsent twice.  "), follow=True
    )
    assert Counterpoint.objects.pending().count() == 1
    assert Counterpoint.objects.get(status=Counterpoint.Status.SPAM).rejection_reason == "duplicate"
    # No oracle: a repeat is answered exactly like a new counterpoint.
    assert answer(again) == answer(first)


def test_a_form_is_spent_once_and_a_replay_with_other_text_keeps_it(client):
    post = make_post()
    data = form_data(post, body="The first counterpoint from this form.")
    client.post(submit_url(post), data)

    response = client.post(submit_url(post), {**data, "body": "A second text on the same spent form."})

    assert response.status_code == 400
    html = response.content.decode()
    assert "This form was already used to send a counterpoint." in html
    assert field_value(html, "body") == "A second text on the same spent form."
    assert Counterpoint.objects.count() == 1


def test_the_same_body_on_two_different_posts_is_two_counterpoints(client):
    first, second = make_post(), make_post()
    body = "A point that applies to both posts equally."
    client.post(submit_url(first), form_data(first, body=body))
    client.post(submit_url(second), form_data(second, body=body))
    assert Counterpoint.objects.count() == 2
