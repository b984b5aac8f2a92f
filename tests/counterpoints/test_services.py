"""The counterpoint workflows and model methods, without HTTP."""

import pytest
from django.db import IntegrityError, transaction

from counterpoints import services
from counterpoints.models import Counterpoint
from counterpoints.signals import counterpoints_changed
from tests.support.factories import make_counterpoint, make_post, make_user

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status


def submit(post, **overrides):
    fields = {
        "stance": "push_back",
        "author_name": "Reader",
        "body": "A counterpoint long enough.",
        **overrides,
    }
    return services.submit_counterpoint(post=post, **fields)


def test_submit_stores_a_pending_counterpoint():
    submission = submit(make_post())
    assert submission.created
    assert submission.counterpoint.status == Status.PENDING


def test_submit_refuses_a_closed_post():
    with pytest.raises(services.CounterpointsClosed):
        submit(make_post(counterpoints_open=False))
    assert not Counterpoint.objects.exists()


def test_the_same_form_sent_twice_returns_the_first_counterpoint():
    post = make_post()
    first = submit(post, body="Same words here, twice over.", form_token="form-1")
    second = submit(post, body="Same words here, twice over.", form_token="form-1")
    assert not second.created
    assert second.counterpoint.pk == first.counterpoint.pk
    assert Counterpoint.objects.count() == 1


def test_the_same_text_from_another_form_is_kept_as_a_duplicate_never_shown():
    post = make_post()
    first = submit(post, body="Same words here, twice over.", form_token="form-1")
    second = submit(post, body="SAME words\u200b here,  twice over.", form_token="form-2")

    assert second.created
    assert second.counterpoint.pk != first.counterpoint.pk
    assert second.counterpoint.status == Status.SPAM
    assert second.counterpoint.rejection_reason == Counterpoint.RejectionReason.DUPLICATE
    assert list(Counterpoint.objects.pending()) == [first.counterpoint]


def test_a_spent_form_cannot_send_a_different_text():
    post = make_post()
    submit(post, body="The first thing this form said.", form_token="form-1")
    with pytest.raises(services.FormAlreadySent):
        submit(post, body="Something else entirely, same form.", form_token="form-1")
    assert Counterpoint.objects.count() == 1


def test_database_refuses_a_duplicate_body_for_the_same_post():
    post = make_post()
    make_counterpoint(post, body="Only once in the database.")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_counterpoint(post, body="Only once in the database.")


def test_database_refuses_an_unknown_stance():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_counterpoint(make_post(), stance="agrees")


def test_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_counterpoint(make_post(), status="published")


def test_database_refuses_an_unknown_response():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_counterpoint(make_post(), response="sulks")


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.SPAM])
def test_moderating_one_counterpoint_records_who_and_when(status):
    moderator = make_user(staff=True)
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    services.moderate_counterpoint(counterpoint, status, by=moderator)
    assert counterpoint.status == status
    assert counterpoint.reviewed_by == moderator
    assert counterpoint.reviewed_at is not None


def test_moderate_counterpoints_changes_only_rows_that_need_it():
    moderator = make_user(staff=True)
    post = make_post()
    pending = [make_counterpoint(post, status=Status.PENDING) for _ in range(3)]
    already = make_counterpoint(post, status=Status.APPROVED)
    changed = services.moderate_counterpoints(
        counterpoints=Counterpoint.objects.all(), status=Status.APPROVED, by=moderator
    )
    assert changed == 3
    assert set(Counterpoint.objects.filter(reviewed_by=moderator)) == set(pending)
    already.refresh_from_db()
    assert already.reviewed_by is None


def test_moderate_counterpoints_refuses_an_unknown_status():
    with pytest.raises(ValueError):
        services.moderate_counterpoints(counterpoints=Counterpoint.objects.all(), status="gone", by=None)


def test_moderation_announces_the_changed_posts_after_the_commit(django_capture_on_commit_callbacks):
    post, other = make_post(), make_post()
    make_counterpoint(post, status=Status.PENDING)
    make_counterpoint(other, status=Status.APPROVED)
    received = []

    def receiver(sender, post_ids, **kwargs):
        received.append(post_ids)

    counterpoints_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.moderate_counterpoints(
                counterpoints=Counterpoint.objects.all(), status=Status.APPROVED, by=make_user()
            )
    finally:
        counterpoints_changed.disconnect(receiver)
    assert received == [{post.pk}]


def test_body_html_is_rendered_on_save():
    counterpoint = make_counterpoint(make_post(), body="First *version* of it.")
    counterpoint.body = "Second **version** of it."
    counterpoint.save()
    counterpoint.refresh_from_db()
    assert counterpoint.body_html == "<p>Second <strong>version</strong> of it.</p>\n"
