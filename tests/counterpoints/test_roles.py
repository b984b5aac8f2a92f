"""
Roles that hold (issue 13): moderators review counterpoints; only the
post's author, or a user given "respond as author", speaks for the author
(responses, public replies, verdict credits). Moderator mail goes to the
Moderators group's active staff and MODERATOR_EMAILS.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from counterpoints import notifications, services
from counterpoints.models import Counterpoint
from tests.support.admin import counterpoint_change_url, make_moderator
from tests.support.factories import make_counterpoint, make_post, make_user
from tests.support.forms import form_values

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status


def answer_as(client, user, counterpoint):
    client.force_login(user)
    return client.post(
        counterpoint_change_url(counterpoint),
        {
            "status": counterpoint.status,
            "rejection_reason": "",
            "moderator_note": "",
            "response": "conceded",
            "author_reply": "Fair: I was wrong about the GPUs.",
        },
    )


def test_the_moderators_group_does_not_speak_for_the_author():
    group = Group.objects.get(name="Moderators")
    assert not group.permissions.filter(codename="respond_as_author").exists()
    assert Permission.objects.filter(codename="respond_as_author").exists()


def test_a_moderator_sees_the_authors_fields_read_only_and_cannot_post_them(client):
    counterpoint = make_counterpoint(make_post())
    mod = make_moderator()
    client.force_login(mod)
    html = client.get(counterpoint_change_url(counterpoint)).content.decode()
    assert 'name="moderator_note"' in html
    assert 'name="author_reply"' not in html
    assert 'name="response"' not in html

    assert answer_as(client, mod, counterpoint).status_code == 302
    counterpoint.refresh_from_db()
    assert (counterpoint.response, counterpoint.author_reply) == ("", "")


def test_the_posts_author_answers_in_the_queue(client):
    author = make_moderator()  # an author who also moderates: the post is theirs
    counterpoint = make_counterpoint(make_post(author=author))
    assert answer_as(client, author, counterpoint).status_code == 302
    counterpoint.refresh_from_db()
    assert counterpoint.response == "conceded"
    assert counterpoint.author_reply == "Fair: I was wrong about the GPUs."


def test_another_authors_post_is_not_theirs_to_answer(client):
    author = make_moderator()
    counterpoint = make_counterpoint(make_post(author=make_user(staff=True)))
    answer_as(client, author, counterpoint)
    counterpoint.refresh_from_db()
    assert counterpoint.author_reply == ""


def test_the_explicit_permission_lets_a_moderator_answer_for_the_author(client):
    editor = make_moderator()
    editor.user_permissions.add(Permission.objects.get(codename="respond_as_author"))
    counterpoint = make_counterpoint(make_post())
    answer_as(client, editor, counterpoint)
    counterpoint.refresh_from_db()
    assert counterpoint.response == "conceded"


# Verdict credits, on the post's admin page and in the verdicts admin


def editor(**fields):
    """Staff who may edit posts and add verdicts, but are not the author."""
    user = make_user(staff=True, **fields)
    codenames = ["view_post", "change_post", "add_hindsight", "view_hindsight", "view_counterpoint"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_an_editor_who_is_not_the_author_is_offered_no_credits(client):
    post = make_post(author=make_user(staff=True))
    make_counterpoint(post)
    client.force_login(editor())
    html = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "hindsights-__prefix__-verdict" in html
    assert "hindsights-__prefix__-credited" not in html


def test_the_author_credits_a_counterpoint_on_their_post_page(client):
    author = editor()
    post = make_post(author=author)
    counterpoint = make_counterpoint(post)
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(client.get(url).content.decode(), "post_form")
    data.update(
        {
            "hindsights-TOTAL_FORMS": "1",
            "hindsights-0-verdict": "wrong",
            "hindsights-0-decided_at_0": "2025-09-14",
            "hindsights-0-decided_at_1": "12:00:00",
            "hindsights-0-note": "I was wrong.",
            "hindsights-0-credited": [str(counterpoint.pk)],
        }
    )
    assert client.post(url, data).status_code == 302
    assert list(post.hindsights.get().credited.all()) == [counterpoint]


def test_the_verdicts_admin_refuses_credits_from_someone_not_the_author(client):
    post = make_post(author=make_user(staff=True))
    counterpoint = make_counterpoint(post)
    client.force_login(editor())
    response = client.post(
        reverse("admin:blog_hindsight_add"),
        {
            "post": post.pk,
            "verdict": "wrong",
            "decided_at_0": "2025-09-14",
            "decided_at_1": "12:00:00",
            "note": "Wrong.",
            "credited": [counterpoint.pk],
        },
    )
    assert response.status_code == 200
    assert "Only the post&#x27;s author credits counterpoints" in response.content.decode()
    assert not post.hindsights.exists()


# Who hears of new counterpoints


def test_moderator_mail_goes_to_the_groups_active_staff_and_the_setting(settings):
    settings.MODERATOR_EMAILS = ["Desk@example.com"]
    make_moderator(email="mod@example.com")
    make_moderator(email="desk@example.com")  # the same mailbox as the setting: once
    make_moderator(email="gone@example.com", is_active=False)
    make_moderator(email="")
    make_user(staff=True, email="staff-not-moderator@example.com")
    not_staff = make_user(email="not-staff@example.com")
    not_staff.groups.add(Group.objects.get(name="Moderators"))
    assert notifications.moderator_addresses() == ["Desk@example.com", "mod@example.com"]


def test_a_new_counterpoint_mails_a_group_moderator(settings, sent_mail, django_capture_on_commit_callbacks):
    settings.MODERATOR_EMAILS = []
    make_moderator(email="mod@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_counterpoint(
            post=make_post(), stance="extend", author_name="Ada", body="A point long enough to hold."
        )
    assert [mail.to for mail in sent_mail()] == [["mod@example.com"]]


# A daily digest instead of one mail per counterpoint


def test_with_the_digest_on_moderators_get_one_daily_mail_instead(settings, sent_mail):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    settings.MODERATOR_EMAILS = ["desk@example.com"]
    settings.MODERATOR_DIGEST = True
    post = make_post(title="The argument")
    for n in range(3):
        services.submit_counterpoint(
            post=post, stance="extend", author_name=f"Reader {n}", body=f"Point **number** {n}, argued."
        )
    Counterpoint.objects.filter(author_name="Reader 0").update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    assert sent_mail() == []  # nothing per counterpoint

    out = StringIO()
    call_command("send_moderator_digest", stdout=out)
    (digest,) = sent_mail()
    assert digest.to == ["desk@example.com"]
    assert digest.subject == "[expectedwrong] 2 new counterpoint(s), 3 waiting"
    assert "Reader 1 extends on “The argument” (waiting):" in digest.body
    assert "“Point number 2, argued.”" in digest.body
    assert "Reader 0" not in digest.body  # older than a day: counted, not listed again

    call_command("send_moderator_digest", "--hours", "0", stdout=out)
    assert "Nothing new: no digest." in out.getvalue()
