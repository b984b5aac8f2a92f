"""A verdict may credit the readers' counterpoints that called it (issue 7)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_alter_post_cover_image"),
        ("counterpoints", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="hindsight",
            name="credited",
            field=models.ManyToManyField(
                blank=True,
                help_text="Approved counterpoints on this post that saw this coming.",
                limit_choices_to={"status": "approved"},
                related_name="credited_in",
                to="counterpoints.counterpoint",
                verbose_name="credit readers who called it",
            ),
        ),
    ]
