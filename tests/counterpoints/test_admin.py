"""The moderator's side, through Django's real admin."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from counterpoints.models import Counterpoint
from tests.support.admin import REVIEW_QUEUE, counterpoint_change_url, make_moderator, review_form
from tests.support.factories import make_counterpoint, make_post, make_user
from tests.support.html import one, parse, text, texts
from tests.support.queries import query_count

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status


def listed(response):
    return list(response.context["cl"].result_list)


@pytest.fixture
def moderator(client):
    user = make_moderator()
    client.force_login(user)
    return user


# The review queue


def test_queue_opens_on_pending_counterpoints_only(admin_client):
    post = make_post()
    pending = make_counterpoint(post, status=Status.PENDING)
    for status in [Status.APPROVED, Status.REJECTED, Status.SPAM]:
        make_counterpoint(post, status=status)
    assert listed(admin_client.get(REVIEW_QUEUE)) == [pending]


def test_queue_lists_newest_first(admin_client):
    post = make_post()
    now = timezone.now()
    older = make_counterpoint(post, status=Status.PENDING, submitted_at=now - timedelta(days=1))
    newer = make_counterpoint(post, status=Status.PENDING, submitted_at=now - timedelta(minutes=5))
    assert listed(admin_client.get(REVIEW_QUEUE)) == [newer, older]


def test_queue_shows_post_stance_author_excerpt_and_time(admin_client):
    post = make_post(title="The shoestring is a story")
    make_counterpoint(
        post, status=Status.PENDING, author_name="Ada Reader", stance="extend", body="Word " * 100
    )
    html = admin_client.get(REVIEW_QUEUE).content.decode()
    assert "The shoestring is a story" in html
    assert "Ada Reader" in html
    assert "extends" in html
    assert ("Word " * 19).strip() in html
    assert "Word " * 30 not in html
    assert len(parse(html).select("#result_list td.field-submitted_at")) == 1


def test_status_filter_has_an_all_choice(admin_client):
    post = make_post()
    for status in Status.values:
        make_counterpoint(post, status=status)
    assert len(listed(admin_client.get(REVIEW_QUEUE, {"status": "all"}))) == 4


@pytest.mark.parametrize("status", Status.values)
def test_status_filter_shows_one_status(admin_client, status):
    post = make_post()
    for value in Status.values:
        make_counterpoint(post, status=value)
    assert [c.status for c in listed(admin_client.get(REVIEW_QUEUE, {"status": status}))] == [status]


def test_pending_is_marked_as_the_selected_filter_by_default(admin_client):
    selected = [
        a["href"] for a in parse(admin_client.get(REVIEW_QUEUE)).select("#changelist-filter li.selected a")
    ]
    assert "?status=pending" in selected


def test_filter_by_stance_and_post(admin_client):
    post, other = make_post(), make_post()
    wanted = make_counterpoint(post, status=Status.PENDING, stance="sharpen")
    make_counterpoint(post, status=Status.PENDING, stance="extend")
    make_counterpoint(other, status=Status.PENDING, stance="sharpen")
    response = admin_client.get(REVIEW_QUEUE, {"stance__exact": "sharpen", "post__id__exact": post.pk})
    assert listed(response) == [wanted]


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("author_name", "Grace Hopper", "hopper"),
        ("author_email", "grace@navy.example", "navy.example"),
        ("body", "Compilers were the real revolution.", "compilers"),
    ],
)
def test_search_on_name_email_and_body(admin_client, field, value, query):
    post = make_post()
    wanted = make_counterpoint(post, status=Status.PENDING, **{field: value})
    make_counterpoint(post, status=Status.PENDING)
    assert listed(admin_client.get(REVIEW_QUEUE, {"q": query})) == [wanted]


def test_queue_query_count_does_not_grow_with_rows(admin_client):
    def queries_for_queue():
        return query_count(admin_client, REVIEW_QUEUE, {"status": "all"})

    posts = [make_post() for _ in range(3)]
    for post in posts:
        make_counterpoint(post, status=Status.PENDING)
    few = queries_for_queue()
    for n in range(60):
        make_counterpoint(posts[n % 3], status=Status.PENDING)
    assert queries_for_queue() == few


# Bulk actions


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", Status.APPROVED, "2 counterpoints were approved."),
        ("reject", Status.REJECTED, "2 counterpoints were rejected."),
        ("mark_spam", Status.SPAM, "2 counterpoints were marked as spam."),
    ],
)
def test_bulk_action_sets_status_records_the_moderator_and_reports_the_count(
    admin_client, admin_user, action, status, message
):
    post = make_post()
    chosen = [make_counterpoint(post, status=Status.PENDING) for _ in range(2)]
    untouched = make_counterpoint(post, status=Status.PENDING)
    before = timezone.now()
    response = admin_client.post(
        REVIEW_QUEUE, {"action": action, "_selected_action": [c.pk for c in chosen]}, follow=True
    )
    assert message in response.content.decode()
    for counterpoint in chosen:
        counterpoint.refresh_from_db()
        assert counterpoint.status == status
        assert counterpoint.reviewed_by == admin_user
        assert counterpoint.reviewed_at >= before
    untouched.refresh_from_db()
    assert untouched.status == Status.PENDING
    assert untouched.reviewed_by is None


def test_bulk_action_reports_one_in_the_singular(admin_client):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    response = admin_client.post(
        REVIEW_QUEUE, {"action": "approve", "_selected_action": [counterpoint.pk]}, follow=True
    )
    assert "1 counterpoint was approved." in response.content.decode()


def test_bulk_action_counts_only_what_changed(admin_client):
    post = make_post()
    approved = make_counterpoint(post, status=Status.APPROVED)
    pending = make_counterpoint(post, status=Status.PENDING)
    response = admin_client.post(
        REVIEW_QUEUE + "?status=all",
        {"action": "approve", "_selected_action": [approved.pk, pending.pk]},
        follow=True,
    )
    assert "1 counterpoint was approved." in response.content.decode()


def test_approving_in_the_admin_publishes_it_to_readers(
    admin_client, client, django_capture_on_commit_callbacks
):
    post = make_post()
    counterpoint = make_counterpoint(post, status=Status.PENDING, body="Now you can all read this.")
    assert "Now you can all read this." not in client.get(post.get_absolute_url()).content.decode()
    # The reader's cached page is refreshed once the approval commits.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(REVIEW_QUEUE, {"action": "approve", "_selected_action": [counterpoint.pk]})
    assert "Now you can all read this." in client.get(post.get_absolute_url()).content.decode()


def test_spam_can_be_marked_from_the_approved_list_and_disappears(admin_client, client):
    post = make_post()
    counterpoint = make_counterpoint(post, body="Approved by mistake, actually spam.")
    admin_client.post(
        REVIEW_QUEUE + "?status=approved", {"action": "mark_spam", "_selected_action": [counterpoint.pk]}
    )
    assert "Approved by mistake" not in client.get(post.get_absolute_url()).content.decode()


# Editing one counterpoint


def test_moderator_adds_a_private_note_and_a_public_reply(admin_client, client):
    post = make_post()
    counterpoint = make_counterpoint(post)
    response = admin_client.post(
        counterpoint_change_url(counterpoint),
        review_form(
            counterpoint,
            moderator_note="Checked the sources.",
            author_reply="You are right about **the GPUs**.",
            response="conceded",
        ),
    )
    assert response.status_code == 302
    html = client.get(post.get_absolute_url()).content.decode()
    assert "You are right about <strong>the GPUs</strong>." in html
    assert "author: conceded" in html
    assert "Checked the sources." not in html
    counterpoint.refresh_from_db()
    assert counterpoint.moderator_note == "Checked the sources."


def test_changing_status_in_the_form_records_the_moderator(admin_client, admin_user):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    admin_client.post(counterpoint_change_url(counterpoint), review_form(counterpoint, status="approved"))
    counterpoint.refresh_from_db()
    assert counterpoint.status == Status.APPROVED
    assert counterpoint.reviewed_by == admin_user
    assert counterpoint.reviewed_at is not None


def test_editing_only_the_note_keeps_the_review_stamp(admin_client):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    admin_client.post(
        counterpoint_change_url(counterpoint), review_form(counterpoint, moderator_note="Later.")
    )
    counterpoint.refresh_from_db()
    assert counterpoint.reviewed_by is None


def test_what_the_reader_sent_and_the_audit_data_are_read_only(admin_client):
    counterpoint = make_counterpoint(
        make_post(), status=Status.PENDING, body="The original words.", ip_address="203.0.113.9"
    )
    response = admin_client.post(
        counterpoint_change_url(counterpoint),
        review_form(counterpoint, body="Rewritten by someone else.", ip_address="10.0.0.1"),
    )
    assert response.status_code == 302
    counterpoint.refresh_from_db()
    assert counterpoint.body == "The original words."
    assert counterpoint.ip_address == "203.0.113.9"
    html = admin_client.get(counterpoint_change_url(counterpoint)).content.decode()
    assert "203.0.113.9" in html


def test_counterpoints_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:counterpoints_counterpoint_add")).status_code == 403


# Admin index and post page


def test_admin_index_shows_the_pending_count(admin_client):
    post = make_post()
    for _ in range(3):
        make_counterpoint(post, status=Status.PENDING)
    make_counterpoint(post, status=Status.APPROVED)
    make_counterpoint(post, status=Status.SPAM)
    html = admin_client.get(reverse("admin:index")).content.decode()
    pending = one(html, "#pending-counterpoints a")
    assert (pending["href"], text(pending)) == (REVIEW_QUEUE, "3 counterpoints awaiting review")


def test_admin_index_says_when_nothing_is_pending(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "No counterpoints awaiting review" in html


def test_pending_count_costs_one_query(admin_client, django_assert_num_queries):
    from django.template import Context, Template

    user = make_user(superuser=True)
    make_counterpoint(make_post(), status=Status.PENDING)
    template = Template("{% load counterpoint_admin %}{% pending_counterpoint_count user as n %}{{ n }}")
    with django_assert_num_queries(1):
        assert template.render(Context({"user": user})) == "1"


def test_staff_without_counterpoint_permission_see_no_pending_count(client):
    client.force_login(make_user(staff=True))
    make_counterpoint(make_post(), status=Status.PENDING)
    assert "awaiting review" not in client.get(reverse("admin:index")).content.decode()


def test_post_admin_page_lists_its_counterpoints_with_links(admin_client):
    post = make_post()
    counterpoint = make_counterpoint(post, status=Status.PENDING, author_name="Inline Reader")
    make_counterpoint(make_post(), author_name="Someone Elsewhere")
    html = admin_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "Inline Reader" in html
    assert "Someone Elsewhere" not in html
    assert counterpoint_change_url(counterpoint) in html


# The Moderators group


def test_moderators_group_exists_with_review_permissions_only():
    group = Group.objects.get(name="Moderators")
    assert {p.codename for p in group.permissions.all()} == {
        "view_counterpoint",
        "change_counterpoint",
        "view_post",
        # The blocklist is theirs to keep (issue 13).
        "view_blockedpattern",
        "add_blockedpattern",
        "change_blockedpattern",
        "delete_blockedpattern",
    }


def test_moderator_can_open_the_queue_and_approve(client, moderator):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    assert client.get(REVIEW_QUEUE).status_code == 200
    client.post(REVIEW_QUEUE, {"action": "approve", "_selected_action": [counterpoint.pk]})
    counterpoint.refresh_from_db()
    assert counterpoint.status == Status.APPROVED
    assert counterpoint.reviewed_by == moderator


def test_moderator_cannot_write_the_authors_reply(client, moderator):
    # The author's voice is the author's (issue 13): see test_roles.py.
    counterpoint = make_counterpoint(make_post())
    client.post(
        counterpoint_change_url(counterpoint), review_form(counterpoint, author_reply="Thanks, noted.")
    )
    counterpoint.refresh_from_db()
    assert counterpoint.author_reply == ""


def test_moderator_sees_the_pending_count(client, moderator):
    make_counterpoint(make_post(), status=Status.PENDING)
    assert "1 counterpoint awaiting review" in client.get(reverse("admin:index")).content.decode()


def test_moderator_can_view_but_not_edit_a_post(client, moderator):
    post = make_post(title="Untouchable title")
    url = reverse("admin:blog_post_change", args=[post.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Defaced", "slug": post.slug, "body": "x", "status": "published"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "Untouchable title"


def test_moderator_cannot_add_or_delete_posts(client, moderator):
    post = make_post()
    assert client.get(reverse("admin:blog_post_add")).status_code == 403
    assert client.post(reverse("admin:blog_post_delete", args=[post.pk]), {"post": "yes"}).status_code == 403


def test_moderator_cannot_delete_counterpoints(client, moderator):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    url = reverse("admin:counterpoints_counterpoint_delete", args=[counterpoint.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Counterpoint.objects.filter(pk=counterpoint.pk).exists()


def test_approving_refreshes_cached_post_lists(admin_client, client, django_capture_on_commit_callbacks):
    post = make_post()
    counterpoint = make_counterpoint(post, status=Status.PENDING)
    assert texts(client.get("/"), "a.counterpoint-count") == ["0 counterpoints"]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(REVIEW_QUEUE, {"action": "approve", "_selected_action": [counterpoint.pk]})
    assert texts(client.get("/"), "a.counterpoint-count") == ["1 counterpoint"]


def test_bulk_reject_with_a_note_asks_for_it_then_every_submitter_reads_it(admin_client, admin_user):
    from django.contrib.admin.models import LogEntry

    from counterpoints.models import OutboxMail

    post = make_post(title="The argument")
    chosen = [
        make_counterpoint(
            post, status=Status.PENDING, author_name=name, author_email=f"{name.lower()}@example.com"
        )
        for name in ("Ada", "Grace")
    ]
    untouched = make_counterpoint(post, status=Status.PENDING)
    selected = {"action": "reject_with_note", "_selected_action": [c.pk for c in chosen]}

    # First the question: who is rejected, and the note they will read. Nothing changes yet.
    question = admin_client.post(REVIEW_QUEUE, selected)
    assert question.status_code == 200
    assert texts(question, ".rejected-counterpoints li") == [
        f"Ada on “The argument”: {chosen[0].excerpt}",
        f"Grace on “The argument”: {chosen[1].excerpt}",
    ]
    assert not Counterpoint.objects.exclude(status=Status.PENDING).exists()

    # Sent without a note: asked again, still nothing changed.
    again = admin_client.post(REVIEW_QUEUE, {**selected, "apply": "Reject them", "note": "  "})
    assert again.status_code == 200
    assert "Please write the note the submitters will read." in again.content.decode()
    assert not Counterpoint.objects.exclude(status=Status.PENDING).exists()

    note = "Both of these argue with a claim the post does not make."
    done = admin_client.post(
        REVIEW_QUEUE, {**selected, "apply": "Reject them", "note": note, "reason": "off_topic"}, follow=True
    )
    assert "2 counterpoints were rejected." in done.content.decode()
    for counterpoint in chosen:
        counterpoint.refresh_from_db()
        assert (counterpoint.status, counterpoint.rejection_note) == (Status.REJECTED, note)
        assert counterpoint.rejection_reason == "off_topic"
        assert counterpoint.reviewed_by == admin_user
        assert LogEntry.objects.filter(object_id=str(counterpoint.pk)).exists()
    untouched.refresh_from_db()
    assert untouched.status == Status.PENDING
    mails = {mail.to[0]: mail.body for mail in OutboxMail.objects.all()}
    assert set(mails) == {"ada@example.com", "grace@example.com"}
    assert all(note in body for body in mails.values())
