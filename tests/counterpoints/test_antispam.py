"""Honeypot, signed timestamp, flood control, link limit."""

import time

import pytest
from django.core import signing
from django.core.cache import caches
from django.db import connection

from counterpoints import antispam
from counterpoints.models import Counterpoint
from tests.support.factories import make_post
from tests.support.html import field_value, one, text
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db


def test_honeypot_filled_in_is_refused(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post, subject="Cheap pills"))
    assert response.status_code == 400
    assert "This submission looks automated, so it was not accepted." in response.content.decode()
    assert not Counterpoint.objects.exists()


def test_honeypot_is_hidden_from_people_and_keyboards(client):
    honeypot = one(client.get(make_post().get_absolute_url()), ".field-hp")
    assert honeypot["aria-hidden"] == "true"
    assert one(honeypot, "#id_subject")["tabindex"] == "-1"


# The signed timestamp


def test_form_sent_back_too_fast_is_refused_with_the_text_kept(client, settings):
    settings.COUNTERPOINT_MIN_SECONDS = 5
    post = make_post()
    response = client.post(
        submit_url(post), form_data(post, seconds_ago=1, body="Typed in one second flat, surely.")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "That was quicker than anyone can write." in html
    assert field_value(html, "body") == "Typed in one second flat, surely."
    assert not Counterpoint.objects.exists()


def test_form_sent_back_after_the_minimum_is_accepted(client, settings):
    settings.COUNTERPOINT_MIN_SECONDS = 5
    post = make_post()
    assert client.post(submit_url(post), form_data(post, seconds_ago=6)).status_code == 302


def test_forged_timestamp_is_refused_with_a_clear_message(client):
    post = make_post()
    forged = signing.dumps({"post": post.pk, "at": int(time.time()) - 60}, salt="someone-else")
    response = client.post(submit_url(post), form_data(post, issued=forged))
    assert response.status_code == 400
    assert "This form could not be verified." in response.content.decode()
    assert not Counterpoint.objects.exists()


def test_tampered_timestamp_is_refused(client):
    post = make_post()
    token = form_data(post)["issued"]
    tampered = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    response = client.post(submit_url(post), form_data(post, issued=tampered))
    assert response.status_code == 400
    assert not Counterpoint.objects.exists()


def test_missing_timestamp_is_refused(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post, issued=""))
    assert response.status_code == 400
    assert "This form could not be verified." in response.content.decode()


def test_timestamp_from_another_posts_form_is_refused(client):
    post, other = make_post(), make_post()
    response = client.post(submit_url(post), form_data(post, issued=form_data(other)["issued"]))
    assert response.status_code == 400
    assert not Counterpoint.objects.exists()


def test_timestamp_from_the_future_is_refused(client):
    post = make_post()
    response = client.post(submit_url(post), form_data(post, seconds_ago=-3600))
    assert response.status_code == 400
    assert "This form could not be verified." in response.content.decode()


def test_expired_form_is_shown_again_with_the_text_kept(client, settings):
    settings.COUNTERPOINT_FORM_MAX_AGE = 2 * 3600
    post = make_post()
    data = form_data(
        post,
        seconds_ago=3 * 3600,
        author_name="Patient Writer",
        quote="The shoestring is a story.",
        body="An hour of careful writing that must not be lost.",
    )
    response = client.post(submit_url(post), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This form had been open for a long time" in html
    assert field_value(html, "body") == "An hour of careful writing that must not be lost."
    assert field_value(html, "quote") == "The shoestring is a story."
    assert field_value(html, "author_name") == "Patient Writer"
    assert not Counterpoint.objects.exists()


def test_expired_form_comes_back_with_a_fresh_token_that_is_accepted_at_once(client, settings):
    settings.COUNTERPOINT_FORM_MAX_AGE = 2 * 3600
    settings.COUNTERPOINT_MIN_SECONDS = 5
    post = make_post()
    data = form_data(post, seconds_ago=3 * 3600)
    response = client.post(submit_url(post), data)
    fresh = response.context["counterpoint_form"]["issued"].value()
    assert fresh != data["issued"]

    response = client.post(submit_url(post), {**data, "issued": fresh})
    assert response.status_code == 302
    assert Counterpoint.objects.count() == 1


# Flood control


def test_a_flood_from_one_address_gets_429_and_a_readable_page(client, settings):
    settings.COUNTERPOINT_RATE_LIMIT = "2/600"
    post = make_post()
    for _ in range(2):
        assert client.post(submit_url(post), form_data(post)).status_code == 302
    response = client.post(submit_url(post), form_data(post, body="The third one in a row, kept for me."))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many counterpoints came from your address" in html
    assert text(html, "textarea#unsent-body") == "The third one in a row, kept for me."
    assert int(response["Retry-After"]) > 0
    assert Counterpoint.objects.count() == 2


def test_flood_control_counts_each_address_separately(client, settings):
    settings.COUNTERPOINT_RATE_LIMIT = "1/600"
    post = make_post()
    assert client.post(submit_url(post), form_data(post), REMOTE_ADDR="198.51.100.1").status_code == 302
    assert client.post(submit_url(post), form_data(post), REMOTE_ADDR="198.51.100.2").status_code == 302
    assert client.post(submit_url(post), form_data(post), REMOTE_ADDR="198.51.100.1").status_code == 429


def test_flood_control_also_counts_refused_attempts(client, settings):
    settings.COUNTERPOINT_RATE_LIMIT = "2/600"
    post = make_post()
    for _ in range(2):
        client.post(submit_url(post), form_data(post, subject="bot"))
    assert client.post(submit_url(post), form_data(post)).status_code == 429


def test_flood_control_counters_live_in_the_database_all_app_servers_share(client, settings):
    settings.COUNTERPOINT_RATE_LIMIT = "1/600"
    post = make_post()
    client.post(submit_url(post), form_data(post))
    # A second app server has its own process memory but the same database.
    caches["default"].clear()
    del caches["shared"]
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(settings.CACHES["shared"]["LOCATION"])
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a table name from settings)
        assert cursor.fetchone()[0] >= 1
    assert client.post(submit_url(post), form_data(post)).status_code == 429


def test_flood_window_ends(settings):
    settings.COUNTERPOINT_RATE_LIMIT = "1/600"
    start = 1_800_000_000
    assert antispam.take_submission_slot("198.51.100.9", now=start).allowed
    assert not antispam.take_submission_slot("198.51.100.9", now=start + 10).allowed
    assert antispam.take_submission_slot("198.51.100.9", now=start + 600).allowed


def test_ipv6_addresses_in_one_64_share_a_limit(settings):
    settings.COUNTERPOINT_RATE_LIMIT = "1/600"
    assert antispam.take_submission_slot("2001:db8:1:2::1").allowed
    assert not antispam.take_submission_slot("2001:db8:1:2:ffff::9").allowed
    assert antispam.take_submission_slot("2001:db8:1:3::1").allowed


def test_forwarded_for_header_is_ignored_without_trusted_proxies(client, settings):
    settings.COUNTERPOINT_RATE_LIMIT = "1/600"
    post = make_post()
    client.post(submit_url(post), form_data(post), HTTP_X_FORWARDED_FOR="192.0.2.1")
    # A flooder cannot dodge the limit by making up a new header each time.
    response = client.post(submit_url(post), form_data(post), HTTP_X_FORWARDED_FOR="192.0.2.2")
    assert response.status_code == 429
    assert Counterpoint.objects.get().ip_address == "127.0.0.1"


def test_forwarded_for_header_is_honoured_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    post = make_post()
    client.post(
        submit_url(post),
        form_data(post),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50",
    )
    # The proxy appended the address it saw; the client made up the rest.
    assert Counterpoint.objects.get().ip_address == "203.0.113.50"


# Links


def test_more_links_than_allowed_are_refused(client, settings):
    settings.COUNTERPOINT_MAX_LINKS = 2
    post = make_post()
    body = "See [one](https://a.example), <https://b.example> and www.c.example for proof."
    response = client.post(submit_url(post), form_data(post, body=body))
    assert response.status_code == 400
    assert "Please keep to at most 2 links (this has 3)." in response.content.decode()
    assert not Counterpoint.objects.exists()


def test_links_up_to_the_limit_are_accepted(client, settings):
    settings.COUNTERPOINT_MAX_LINKS = 2
    post = make_post()
    body = "See [one](https://a.example) and [two](https://b.example) for the numbers."
    assert client.post(submit_url(post), form_data(post, body=body)).status_code == 302


def test_scheme_relative_links_count_too(client, settings):
    settings.COUNTERPOINT_MAX_LINKS = 0
    post = make_post()
    response = client.post(submit_url(post), form_data(post, body="Read [this](//spam.example) now."))
    assert response.status_code == 400
