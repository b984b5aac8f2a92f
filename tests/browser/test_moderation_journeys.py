"""
Moderation that scales (issue 13), in a real browser: roles that hold, bans
and the blocklist, trusted returning readers, and a rejection the reader is
told about.
"""

import re

import pytest
from playwright.sync_api import expect

from counterpoints import trust
from counterpoints.models import BlockedPattern, ConfirmedAddress, Counterpoint
from counterpoints.outbox import deliver_due
from tests.support.admin import make_moderator
from tests.support.browser import describe, fill_counterpoint_form, log_in, run_axe
from tests.support.factories import make_counterpoint, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Counterpoint.Status


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.COUNTERPOINT_RATE_LIMIT = "50/600"
    settings.SITE_URL = live_server.url
    settings.MODERATOR_EMAILS = []


def send_counterpoint(page, post, *, body, email="", name="Rosa Reader"):
    page.goto(post.get_absolute_url())
    form = fill_counterpoint_form(page, name=name, body=body)
    if email:
        form.get_by_label("E-mail (optional, never shown)", exact=True).fill(email)
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_url(f"**{post.get_absolute_url()}**")
    return page.get_by_role("status")


def run_action(page, label):
    page.get_by_label("Action:").select_option(label=label)
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()


def test_a_moderator_cannot_write_the_authors_answer_but_the_author_can(new_page, mailoutbox, watch):
    author = make_moderator(username="author")
    make_moderator(username="mod")
    post = make_post(title="The argument", author=author)
    counterpoint = make_counterpoint(
        post, author_email="rosa@example.com", body="You missed the energy bill."
    )
    url = f"/admin/counterpoints/counterpoint/{counterpoint.pk}/change/"

    moderator = new_page()
    log_in(moderator, "mod")
    moderator.goto(url)
    expect(moderator.get_by_label("Private note")).to_be_editable()
    expect(moderator.get_by_label("Public reply from the author")).to_have_count(0)
    expect(moderator.get_by_label("Author's response")).to_have_count(0)

    writer = new_page()
    log_in(writer, "author")
    writer.goto(url)
    writer.get_by_label("Author's response").select_option(label="conceded")
    writer.get_by_label("Public reply from the author").fill("Fair: the **energy bill** changes it.")
    writer.get_by_role("button", name="Save", exact=True).click()
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")

    reader = new_page()
    reader.goto(post.get_absolute_url())
    shown = reader.locator(f"#counterpoint-{counterpoint.pk}")
    expect(shown).to_contain_text("Fair: the energy bill changes it.")
    expect(shown.locator("strong")).to_have_text("energy bill")
    deliver_due()
    (mail,) = mailoutbox
    assert mail.to == ["rosa@example.com"]
    assert "Fair: the energy bill changes it." in mail.body
    assert watch.errors == []


def test_a_ban_holds_the_next_submission_from_that_address_and_network(new_page, watch):
    make_moderator(username="mod")
    post = make_post(title="The argument")
    reader = new_page()
    send_counterpoint(reader, post, body="First troll post, buy my course.", email="troll@example.com")
    first = Counterpoint.objects.get()
    assert first.ip_address == "127.0.0.1"

    moderator = new_page()
    log_in(moderator, "mod")
    moderator.goto("/admin/counterpoints/counterpoint/")
    moderator.locator("#result_list tbody tr").filter(has_text="troll").get_by_role("checkbox").check()
    run_action(moderator, "Ban submitter (e-mail and IP) and mark as spam")
    expect(moderator.locator(".messagelist")).to_contain_text(
        "1 counterpoint was marked as spam; 2 blocklist entries added."
    )

    notice = send_counterpoint(reader, post, body="Back again under a new name.", email="other@example.com")
    # Told exactly what everyone is told.
    expect(notice).to_contain_text("awaits review")
    second = Counterpoint.objects.get(body="Back again under a new name.")
    assert (second.status, second.blocklisted) == (Status.SPAM, True)
    reader.goto(second.get_status_url())
    expect(reader.locator(".status-now")).to_contain_text("Waiting for review")
    reader.goto(post.get_absolute_url())
    expect(reader.locator("#counterpoints")).not_to_contain_text("Back again")
    assert watch.errors == []


def test_a_blocked_word_or_network_added_in_the_admin_holds_submissions(new_page):
    moderator_user = make_moderator(username="mod")
    from django.contrib.auth.models import Permission

    moderator_user.user_permissions.add(*Permission.objects.filter(codename__endswith="_blockedpattern"))
    post = make_post()
    moderator = new_page()
    log_in(moderator, "mod")

    def add_entry(kind, value):
        moderator.goto("/admin/counterpoints/blockedpattern/add/")
        moderator.get_by_label("Kind").select_option(label=kind)
        moderator.get_by_label("Value").fill(value)
        moderator.get_by_role("button", name="Save", exact=True).click()
        expect(moderator.locator(".messagelist")).to_contain_text("was added successfully")

    add_entry("word or phrase", "Casino")
    reader = new_page()
    expect(send_counterpoint(reader, post, body="The best casino odds are here.")).to_contain_text(
        "awaits review"
    )
    send_counterpoint(reader, post, body="An honest point about the numbers.")
    assert Counterpoint.objects.get(body__contains="casino").status == Status.SPAM
    assert Counterpoint.objects.get(body__contains="honest").status == Status.PENDING

    add_entry("IP address or network", "127.0.0.0/8")
    expect(
        send_counterpoint(reader, post, body="Another honest point, from the same network.")
    ).to_contain_text("awaits review")
    assert Counterpoint.objects.get(body__contains="same network").status == Status.SPAM
    assert {entry.value: entry.hits for entry in BlockedPattern.objects.all()} == {
        "casino": 1,
        "127.0.0.0/8": 1,
    }


@pytest.mark.parametrize("publish_trusted", [True, False], ids=["setting-on", "setting-off"])
def test_a_trusted_readers_fourth_counterpoint(new_page, settings, publish_trusted):
    settings.COUNTERPOINT_PUBLISH_TRUSTED = publish_trusted
    post = make_post(title="The argument")
    for n in range(3):
        make_counterpoint(post, author_email="rosa@example.com", body=f"Approved point number {n}.")
    reader = new_page()
    # The link from the approval mail: the page asks, the button confirms.
    reader.goto(trust.confirmation_url("rosa@example.com"))
    reader.get_by_role("button", name="Confirm rosa@example.com").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Your address is confirmed")
    assert ConfirmedAddress.objects.filter(email="rosa@example.com").exists()

    notice = send_counterpoint(
        reader, post, body="My fourth point, on the numbers.", email="rosa@example.com"
    )
    fourth = Counterpoint.objects.get(body="My fourth point, on the numbers.")
    if publish_trusted:
        expect(notice).to_contain_text("your counterpoint is published")
        expect(reader.locator("#counterpoints")).to_contain_text("My fourth point, on the numbers.")
        assert (fourth.status, fourth.published_without_review) == (Status.APPROVED, True)
    else:
        expect(notice).to_contain_text("awaits review")
        expect(reader.locator("#counterpoints")).not_to_contain_text("My fourth point")
        assert fourth.status == Status.PENDING


def test_a_rejected_reader_gets_the_note_by_mail_and_on_their_status_page(new_page, mailoutbox, watch):
    make_moderator(username="mod")
    post = make_post(title="The argument")
    reader = new_page()
    send_counterpoint(reader, post, body="Everyone who disagrees is an idiot.", email="rosa@example.com")
    counterpoint = Counterpoint.objects.get()

    moderator = new_page()
    log_in(moderator, "mod")
    moderator.goto(f"/admin/counterpoints/counterpoint/{counterpoint.pk}/change/")
    moderator.get_by_label("Status").select_option(label="rejected")
    moderator.get_by_label("Reason it is not published").select_option(label="personal attack")
    moderator.get_by_label("Note to the submitter").fill(
        "Your second sentence has a real point: send it alone."
    )
    moderator.get_by_role("button", name="Save", exact=True).click()
    expect(moderator.locator(".messagelist")).to_contain_text("was changed successfully")

    deliver_due()
    (mail,) = [mail for mail in mailoutbox if mail.to == ["rosa@example.com"]]
    assert "Your second sentence has a real point: send it alone." in mail.body
    status_url = re.search(r"(http://\S+/counterpoints/status/\S+/)", mail.body).group(1)

    reader.goto(status_url)
    status = reader.locator(".status-now")
    expect(status).to_contain_text("Not published")
    expect(status).to_contain_text("personal attack")
    expect(status).to_contain_text("Your second sentence has a real point: send it alone.")
    assert watch.errors == []


def test_a_moderator_rejects_several_with_one_note_each_submitter_reads(
    new_page, mailoutbox, watch, axe_source
):
    make_moderator(username="mod")
    post = make_post(title="The argument")
    reader = new_page()
    for name, body in [
        ("Rosa", "The post says rates fall. They rose."),
        ("Ines", "Rates obviously rose, read it."),
    ]:
        send_counterpoint(reader, post, body=body, email=f"{name.lower()}@example.com", name=name)
    kept = make_counterpoint(post, body="A fair point about wages.", status=Status.PENDING)

    moderator = new_page()
    log_in(moderator, "mod")
    moderator.goto("/admin/counterpoints/counterpoint/")
    for name in ("Rosa", "Ines"):
        moderator.locator("#result_list tbody tr").filter(has_text=name).get_by_role("checkbox").check()
    run_action(moderator, "Reject selected counterpoints with a note…")

    # A page of its own asks for the note; nothing is rejected until it is sent.
    expect(moderator.get_by_role("listitem").filter(has_text="Rosa on “The argument”")).to_have_count(1)
    assert describe(run_axe(moderator, axe_source)) == "[]"
    note = moderator.get_by_label("Note to the submitters")
    moderator.get_by_role("button", name="Reject them").click()  # without a note: the browser holds it back
    expect(note).to_be_focused()
    assert note.evaluate("field => field.validity.valueMissing")
    assert not Counterpoint.objects.filter(status=Status.REJECTED).exists()
    moderator.get_by_label("Reason").select_option(label="unsupported claim")
    moderator.get_by_label("Note to the submitters").fill(
        "The post never says rates fall: quote where it does."
    )
    moderator.get_by_role("button", name="Reject them").click()
    expect(moderator.locator(".messagelist")).to_contain_text("2 counterpoints were rejected.")

    kept.refresh_from_db()
    assert kept.status == Status.PENDING
    deliver_due()
    rejected = {
        mail.to[0]: mail.body for mail in mailoutbox if mail.to[0] in ("rosa@example.com", "ines@example.com")
    }
    assert len(rejected) == 2
    for body in rejected.values():
        assert "The post never says rates fall: quote where it does." in body
        status_url = re.search(r"(http://\S+/counterpoints/status/\S+/)", body).group(1)
        reader.goto(status_url)
        status = reader.locator(".status-now")
        expect(status).to_contain_text("unsupported claim")
        expect(status).to_contain_text("The post never says rates fall: quote where it does.")
    assert watch.errors == []
