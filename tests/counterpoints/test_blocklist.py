"""
Blocklist and bans (issue 13): a submission matching an entry is stored as
spam at once (never public, never mailed to moderators, counted), and its
submitter is told exactly what everyone else is told.
"""

import pytest
from django.urls import reverse

from counterpoints import services
from counterpoints.blocklist import find_match
from counterpoints.models import BlockedPattern, Counterpoint, OutboxMail
from tests.support.admin import REVIEW_QUEUE, make_moderator
from tests.support.factories import make_counterpoint, make_post
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db

Kind = BlockedPattern.Kind
Status = Counterpoint.Status


def block(kind, value):
    entry = BlockedPattern(kind=kind, value=value)
    entry.full_clean()
    entry.save()
    return entry


def submission(**fields):
    base = {
        "author_email": "ada@example.com",
        "ip_address": "198.51.100.20",
        "author_name": "Ada",
        "author_website": "",
        "body": "An honest objection to the argument.",
    }
    return {**base, **fields}


@pytest.mark.parametrize(
    ("kind", "value", "fields"),
    [
        (Kind.EMAIL, "Troll@Example.com", {"author_email": "troll@example.com"}),
        (Kind.EMAIL, "@spam.example", {"author_email": "x@mail.spam.example"}),
        (Kind.IP, "203.0.113.7", {"ip_address": "203.0.113.7"}),
        (Kind.IP, "203.0.113.0/24", {"ip_address": "203.0.113.200"}),
        (Kind.IP, "2001:db8::/32", {"ip_address": "2001:db8:1234::5"}),
        (Kind.WORD, "Casino", {"body": "Visit the CASINO tonight, friends."}),
        (Kind.WORD, "buy now", {"author_name": "Buy   Now Ltd"}),
        (Kind.LINK, "spam.example", {"body": "See [this](https://www.spam.example/offer) please."}),
        (Kind.LINK, "https://spam.example/", {"author_website": "http://shop.spam.example/"}),
    ],
)
def test_each_kind_of_entry_matches(kind, value, fields):
    entry = block(kind, value)
    assert find_match(**submission(**fields)) == entry
    assert find_match(**submission()) is None


@pytest.mark.parametrize(
    ("kind", "value", "fields"),
    [
        (Kind.EMAIL, "example.com", {"author_email": "ada@notexample.com"}),
        (Kind.IP, "203.0.113.0/24", {"ip_address": "203.0.114.1"}),
        (Kind.IP, "2001:db8::/32", {"ip_address": "203.0.113.1"}),
        (Kind.WORD, "cas", {"body": "The casino is not a word we block."}),
        (Kind.LINK, "spam.example", {"body": "See https://notspam.example/ for the numbers."}),
    ],
)
def test_near_misses_do_not_match(kind, value, fields):
    block(kind, value)
    assert find_match(**submission(**fields)) is None


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        (Kind.EMAIL, " Troll@Example.COM ", "troll@example.com"),
        (Kind.IP, "203.0.113.9/24", "203.0.113.0/24"),
        (Kind.IP, "2001:DB8::1", "2001:db8::1/128"),
        (Kind.LINK, "https://www.Spam.example/path", "spam.example"),
    ],
)
def test_entries_are_stored_in_one_spelling(kind, value, stored):
    assert block(kind, value).value == stored


def test_the_admin_refuses_a_malformed_network(admin_client):
    response = admin_client.post(
        reverse("admin:counterpoints_blockedpattern_add"),
        {"kind": "ip", "value": "203.0.113.0/33", "note": ""},
    )
    assert response.status_code == 200
    assert "Give an IP address" in response.content.decode()
    assert not BlockedPattern.objects.exists()


def test_a_blocked_submission_is_spam_silent_and_counted(client, settings, sent_mail):
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    entry = block(Kind.WORD, "casino")
    post = make_post()
    normal = client.post(submit_url(post), form_data(post), follow=True)
    blocked = client.post(
        submit_url(post), form_data(post, body="Best casino odds, click here now."), follow=True
    )

    held = Counterpoint.objects.get(blocklisted=True)
    assert (held.status, held.blocked_by) == (Status.SPAM, entry)
    entry.refresh_from_db()
    assert entry.hits == 1
    # The same page as everyone gets, down to the promise of mail.
    assert blocked.status_code == normal.status_code == 200
    for text in ["your counterpoint awaits review", "We will e-mail you when it is published."]:
        assert text in normal.content.decode()
        assert text in blocked.content.decode()
    status_page = client.get(held.get_status_url()).content.decode()
    assert "Waiting for review" in status_page
    assert "Not published" not in status_page
    # Moderators hear of the normal one only.
    assert [mail.to for mail in sent_mail()] == [["mod@example.com"]]
    assert OutboxMail.objects.count() == 1
    assert "casino" not in client.get(post.get_absolute_url()).content.decode()


def test_ban_submitter_blocks_their_address_and_ip_and_marks_spam(admin_client, client):
    post = make_post()
    troll = make_counterpoint(
        post, status=Status.PENDING, author_email="Troll@example.com", ip_address="203.0.113.7"
    )
    response = admin_client.post(
        REVIEW_QUEUE, {"action": "ban_and_mark_spam", "_selected_action": [troll.pk]}, follow=True
    )
    assert "1 counterpoint was marked as spam; 2 blocklist entries added." in response.content.decode()
    troll.refresh_from_db()
    assert troll.status == Status.SPAM
    assert set(BlockedPattern.objects.values_list("kind", "value")) == {
        ("email", "troll@example.com"),
        ("ip", "203.0.113.7/32"),
    }

    by_address = services.submit_counterpoint(
        post=post,
        stance="push_back",
        author_name="T",
        body="Again, from home.",
        author_email="troll@example.com",
    )
    by_ip = services.submit_counterpoint(
        post=post, stance="push_back", author_name="T", body="Again, no address.", ip_address="203.0.113.7"
    )
    assert by_address.counterpoint.status == by_ip.counterpoint.status == Status.SPAM


def test_moderators_keep_the_blocklist(client):
    moderator = make_moderator()
    client.force_login(moderator)
    response = client.post(
        reverse("admin:counterpoints_blockedpattern_add"),
        {"kind": "email", "value": "spam.example", "note": "x"},
    )
    assert response.status_code == 302
    assert BlockedPattern.objects.get().created_by == moderator
