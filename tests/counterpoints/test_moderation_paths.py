"""
Every way of changing a counterpoint's status (the service, each admin
action, the admin change form, the model's methods) is the same act: the
same status and stamps, one admin LogEntry, one cache announcement for the
post, and the same mail to the submitter.
"""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from counterpoints import services
from counterpoints.models import Counterpoint
from counterpoints.signals import counterpoints_changed
from tests.support.admin import REVIEW_QUEUE, counterpoint_change_url
from tests.support.factories import make_counterpoint, make_post

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status


def by_service(client, user, counterpoint, status, reason):
    services.moderate_counterpoints(
        counterpoints=Counterpoint.objects.filter(pk=counterpoint.pk), status=status, by=user, reason=reason
    )


def by_one_row_service(client, user, counterpoint, status, reason):
    services.moderate_counterpoint(counterpoint, status, by=user)


def by_admin_action(client, user, counterpoint, status, reason):
    action = {Status.APPROVED: "approve", Status.REJECTED: "reject", Status.SPAM: "mark_spam"}[status]
    if reason:
        action = f"reject_{reason}"  # one action per reason
    response = client.post(REVIEW_QUEUE, {"action": action, "_selected_action": [counterpoint.pk]})
    assert response.status_code == 302


def by_change_form(client, user, counterpoint, status, reason):
    url = counterpoint_change_url(counterpoint)
    data = {"status": status, "rejection_reason": reason or "", "moderator_note": ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


PATHS = [by_service, by_one_row_service, by_admin_action, by_change_form]
ACTS = {
    "approve": (Status.APPROVED, None, "Approved."),
    "reject": (Status.REJECTED, None, "Rejected."),
    "reject-with-reason": (Status.REJECTED, "off_topic", "Rejected (off-topic)."),
    "spam": (Status.SPAM, None, "Marked as spam."),
}
# Every path with every act it offers (the one-row shortcut takes no reason).
CASES = [
    pytest.param(path, *act, id=f"{name}-{path.__name__}")
    for name, act in ACTS.items()
    for path in PATHS
    if not (path is by_one_row_service and act[1])
]


MAILED = {
    Status.APPROVED: ["[expectedwrong] Your counterpoint on “The argument” is published"],
    Status.REJECTED: ["[expectedwrong] Your counterpoint on “The argument” is not published"],
    Status.SPAM: [],  # a spammer learns nothing
}


@pytest.fixture
def announcements():
    received = []

    def receiver(sender, post_ids, **kwargs):
        received.append(post_ids)

    counterpoints_changed.connect(receiver)
    yield received
    counterpoints_changed.disconnect(receiver)


@pytest.mark.parametrize(("path", "status", "reason", "logged"), CASES)
def test_every_path_is_the_same_act(
    admin_client,
    admin_user,
    sent_mail,
    announcements,
    django_capture_on_commit_callbacks,
    path,
    status,
    reason,
    logged,
):
    post = make_post(title="The argument")
    counterpoint = make_counterpoint(post, status=Status.PENDING, author_email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        path(admin_client, admin_user, counterpoint, status, reason)

    counterpoint.refresh_from_db()
    assert counterpoint.status == status
    assert counterpoint.rejection_reason == (reason or "")
    assert counterpoint.reviewed_by == admin_user
    assert counterpoint.reviewed_at is not None
    history = LogEntry.objects.filter(object_id=str(counterpoint.pk))
    assert [(entry.user, entry.action_flag, entry.get_change_message()) for entry in history] == [
        (admin_user, CHANGE, logged)
    ]
    assert post.pk in set().union(*announcements)
    subjects = [mail.subject for mail in sent_mail() if mail.to == ["ada@example.com"]]
    assert subjects == MAILED[status]


def test_the_history_page_names_the_moderator(admin_client, admin_user):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    admin_client.post(REVIEW_QUEUE, {"action": "mark_spam", "_selected_action": [counterpoint.pk]})
    url = reverse("admin:counterpoints_counterpoint_history", args=[counterpoint.pk])
    html = admin_client.get(url).content.decode()
    assert "Marked as spam." in html
    assert admin_user.get_username() in html


def test_editing_the_note_only_logs_the_note_and_changes_no_status(admin_client, admin_user):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    url = counterpoint_change_url(counterpoint)
    admin_client.post(url, {"status": "pending", "rejection_reason": "", "moderator_note": "Later."})
    counterpoint.refresh_from_db()
    assert counterpoint.reviewed_by is None
    assert [entry.get_change_message() for entry in LogEntry.objects.all()] == ["Changed Private note."]
