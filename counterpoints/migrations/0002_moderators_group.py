"""
The "Moderators" group: staff in it review counterpoints (view, change) and
may look at posts (view) but not edit them.

Permissions are normally created after migrations run (post_migrate), so on
a fresh database they do not exist yet at this point: create the ones the
group needs here; Django's own pass later finds them and adds nothing twice.
"""

from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("counterpoints", "counterpoint", "view", "counterpoint"),
    ("counterpoints", "counterpoint", "change", "counterpoint"),
    ("blog", "post", "view", "post"),
]


def create_moderators(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, action, verbose_name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_{model}",
            defaults={"name": f"Can {action} {verbose_name}"},
        )
        group.permissions.add(permission)


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("counterpoints", "0001_initial"),
        ("blog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
