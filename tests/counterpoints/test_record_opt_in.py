"""
Joining the public readers' record (issue 16): asked for with a box on the
counterpoint form, off by default; honoured once the address's owner says
yes through the signed confirmation link; left again from the status page
or the confirmation page.
"""

import re

import pytest

from claims.models import Outcome
from claims.services import judge_claim
from counterpoints.models import ConfirmedAddress, Counterpoint
from tests.claims.factories import body_with_claims, claim_block
from tests.support.admin import REVIEW_QUEUE
from tests.support.html import field_value, one, parse, text
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db

SITE = "https://expectedwrong.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def post():
    from tests.support.factories import make_post

    return make_post(body=body_with_claims(claim_block("Prices halve by June.", 70, key="prices")))


def send(client, post, **fields):
    data = form_data(post, claim="prices", probability="90", **fields)
    return client.post(submit_url(post), data)


def approve(admin_client, counterpoint):
    admin_client.post(REVIEW_QUEUE, {"action": "approve", "_selected_action": [counterpoint.pk]})


def confirm_path(mail):
    return re.search(r"https://expectedwrong\.example(/counterpoints/confirm/\S+/)", mail.body).group(1)


def listed_names(client):
    page = parse(client.get("/hindsight/?year="))  # a URL of its own each time: ?year= is the whole record
    return [text(row.select_one("th")) for row in page.select(".readers-record-table tbody tr")]


def test_the_box_is_off_by_default(client, post):
    page = parse(client.get(post.get_absolute_url()))
    box = one(page, 'input[name="joins_record"]')
    assert box["type"] == "checkbox" and not box.has_attr("checked")
    assert one(page, 'input[name="record_name"]')


def test_the_record_needs_an_address_and_the_text_is_kept(client, post):
    response = send(client, post, author_email="", joins_record="on", body="Keep my careful words.")
    assert response.status_code == 400
    page = parse(response)
    assert "The readers’ record needs your e-mail address" in text(page, "#counterpoint-form")
    assert "Keep my careful words." in text(page, "textarea[name=body]")
    assert not Counterpoint.objects.exists()


def test_a_name_typed_without_ticking_the_box_asks_for_nothing(client, post):
    send(client, post, record_name="Ada L.")
    counterpoint = Counterpoint.objects.get()
    assert (counterpoint.joins_record, counterpoint.record_name) == (False, "")


def test_the_name_is_cleaned_like_other_reader_names(client, post):
    send(client, post, joins_record="on", record_name="  Ada\u200b  L.  ")
    assert Counterpoint.objects.get().record_name == "Ada L."
    response = send(client, post, joins_record="on", record_name="Ada\u202eL.")
    assert response.status_code == 400
    assert field_value(parse(response), "record_name") == "Ada\u202eL."


def test_ask_approve_confirm_judge_then_listed_and_leave_again(client, admin_client, post, sent_mail):
    send(client, post, joins_record="on", record_name="Ada L.")
    counterpoint = Counterpoint.objects.get()
    assert (counterpoint.joins_record, counterpoint.record_name) == (True, "Ada L.")
    status = parse(client.get(counterpoint.get_status_url()))
    assert "You asked to list your forecasts on the hindsight page as Ada L." in text(
        status, ".record-choice"
    )

    approve(admin_client, counterpoint)
    (mail,) = sent_mail()
    assert "your forecasts join the public readers' record" in mail.body
    path = confirm_path(mail)
    page = parse(client.get(path))
    box = one(page, '.confirm-form input[name="record"]')
    assert box.has_attr("checked") and "as Ada L." in text(page, ".confirm-form")
    judge_claim(claim=post.claims.get(), verdict=Outcome.TRUE)
    assert listed_names(client) == []  # asked and approved, but the owner has not said yes

    client.post(path, {"record": "join"})
    assert ConfirmedAddress.objects.get().record_name == "Ada L."
    assert listed_names(client) == ["Ada L."]

    status = parse(client.get(counterpoint.get_status_url()))
    assert "Your forecasts are listed on the hindsight page as Ada L." in text(status, ".record-choice")
    response = client.post(f"/counterpoints/status/{counterpoint.status_token}/leave-record/", follow=True)
    assert "You are not in the public readers’ record" in text(parse(response), ".messages")
    assert listed_names(client) == []
    # Confirming again does not list them again: the ask was withdrawn with the leaving.
    page = parse(client.get(path))
    assert not page.select(".record-form")


def test_unticking_the_box_when_confirming_lists_nobody(client, admin_client, post, sent_mail):
    send(client, post, joins_record="on", record_name="Ada L.")
    approve(admin_client, Counterpoint.objects.get())
    client.post(confirm_path(sent_mail()[0]), {})  # the box unticked: only the address is confirmed
    judge_claim(claim=post.claims.get(), verdict=Outcome.TRUE)
    assert ConfirmedAddress.objects.get().in_record_since is None
    assert listed_names(client) == []


def test_a_confirmed_reader_who_asks_later_gets_the_link_again(client, admin_client, post, sent_mail):
    ConfirmedAddress.objects.create(email="ada@example.com")
    send(client, post, joins_record="on", record_name="Ada L.")
    approve(admin_client, Counterpoint.objects.get())
    (mail,) = sent_mail()
    assert "You asked to list your forecasts in the public readers' record as “Ada L.”" in mail.body
    path = confirm_path(mail)
    page = parse(client.get(path))
    assert text(page, ".record-form button") == "List me as Ada L."
    client.post(path, {"record": "join"})
    judge_claim(claim=post.claims.get(), verdict=Outcome.FALSE)
    assert listed_names(client) == ["Ada L."]
    # The confirmation page lets them leave too.
    client.post(path, {"record": "leave"})
    assert listed_names(client) == []


def test_someone_typing_a_listed_readers_address_cannot_rename_them(client, admin_client, post, sent_mail):
    send(client, post, joins_record="on", record_name="Ada L.")
    approve(admin_client, Counterpoint.objects.get())
    client.post(confirm_path(sent_mail()[0]), {"record": "join"})
    judge_claim(claim=post.claims.get(), verdict=Outcome.TRUE)

    send(client, post, joins_record="on", record_name="Ada the Fool", body="Not Ada, using her address here.")
    approve(admin_client, Counterpoint.objects.get(record_name="Ada the Fool"))
    assert listed_names(client) == ["Ada L."]
