"""
Keeping submitters in the loop (issue 7): a private status token on each
counterpoint, the moderator's reason for not publishing one, and the
addresses that unsubscribed from notifications.

The token is unique, so existing rows each get their own in a data step
between adding the column and making it unique (a callable default is
evaluated once for the whole table by AddField).
"""

import secrets

import django.utils.timezone
from django.db import migrations, models

import counterpoints.models


def give_each_counterpoint_a_token(apps, schema_editor):
    Counterpoint = apps.get_model("counterpoints", "Counterpoint")
    for counterpoint in Counterpoint.objects.filter(status_token__isnull=True).only("pk").iterator():
        Counterpoint.objects.filter(pk=counterpoint.pk).update(status_token=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [
        ("counterpoints", "0002_moderators_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="Unsubscribed",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(help_text="Stored trimmed and in lower case.", max_length=254, unique=True)),
                ("unsubscribed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "unsubscribed address",
                "verbose_name_plural": "unsubscribed addresses",
                "ordering": ["-unsubscribed_at"],
            },
        ),
        migrations.AddField(
            model_name="counterpoint",
            name="rejection_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("off_topic", "off-topic"),
                    ("personal_attack", "personal attack"),
                    ("advertising", "spam or advertising"),
                    ("duplicate", "duplicate"),
                    ("unsupported", "unsupported claim"),
                ],
                help_text="Optional, with a rejection: the submitter sees it, worded for them, on their status page.",
                max_length=20,
                verbose_name="reason it is not published",
            ),
        ),
        migrations.AddConstraint(
            model_name="counterpoint",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("rejection_reason", ""),
                    models.Q(
                        (
                            "rejection_reason__in",
                            ["off_topic", "personal_attack", "advertising", "duplicate", "unsupported"],
                        ),
                        ("status__in", ("rejected", "spam")),
                    ),
                    _connector="OR",
                ),
                name="counterpoint_rejection_reason_valid",
                violation_error_message="A reason goes with a rejected or spam counterpoint only.",
            ),
        ),
        migrations.AddField(
            model_name="counterpoint",
            name="status_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_counterpoint_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="counterpoint",
            name="status_token",
            field=models.CharField(
                default=counterpoints.models.new_status_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
