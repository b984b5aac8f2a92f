"""The admin's addresses, the form a moderator sends, and the people who use the admin."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.support.factories import make_user

# The review queue: the counterpoints changelist.
REVIEW_QUEUE = reverse("admin:counterpoints_counterpoint_changelist")


def counterpoint_change_url(counterpoint):
    return reverse("admin:counterpoints_counterpoint_change", args=[counterpoint.pk])


def post_change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def review_form(counterpoint, **overrides):
    """What the counterpoint change form sends back unchanged, with ``overrides`` changed."""
    return {
        "status": counterpoint.status,
        "rejection_reason": counterpoint.rejection_reason,
        "rejection_note": counterpoint.rejection_note,
        "response": counterpoint.response,
        "author_reply": counterpoint.author_reply,
        "moderator_note": counterpoint.moderator_note,
        **overrides,
    }


def make_moderator(**overrides):
    """A staff member in the Moderators group, as the data migration defines the group.

    Tests with transactional_db (browser tests) empty every table between
    tests, data migrations' rows included: the group is made again here by
    the migration's own (idempotent) function.
    """
    migration = importlib.import_module("counterpoints.migrations.0002_moderators_group")
    migration.create_moderators(apps, None)
    moderator = make_user(staff=True, **overrides)
    moderator.groups.add(Group.objects.get(name=migration.GROUP))
    return moderator
