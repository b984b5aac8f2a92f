"""
The "respond as author" permission (issue 13): the author's voice
(responses, public replies, verdict credits) is the post's author's, or
belongs to users given this permission by hand. The Moderators group does
not get it.

As in 0002, the permission is created here rather than left to Django's
post_migrate pass, so that it can be granted straight after migrating.
"""

from django.db import migrations


def create_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="counterpoints", model="counterpoint")
    Permission.objects.get_or_create(
        content_type=content_type,
        codename="respond_as_author",
        defaults={"name": "Can respond, reply and credit as the post's author"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("counterpoints", "0004_conceded_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="counterpoint",
            options={
                "ordering": ["submitted_at", "pk"],
                "permissions": [
                    ("respond_as_author", "Can respond, reply and credit as the post's author"),
                ],
            },
        ),
        migrations.RunPython(create_permission, migrations.RunPython.noop),
    ]
