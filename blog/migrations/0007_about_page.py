"""An about page to start from, so the footer's "About" link works on a fresh site (issue 15)."""

from django.db import migrations

from core.markup import render_post_markdown

ABOUT = """This is a blog of opinions and predictions, held to account.

Months after a post, I come back and stamp it with a verdict in hindsight: **nailed it**,
**partly right**, **wrong** or **still open**. The [track record](/hindsight/) keeps score.

Readers answer with counterpoints: push back, extend the argument, or sharpen it. A
moderator reads each one before it shows up.

*Edit this page in the admin, under Blog → Pages.*
"""


def create_about_page(apps, schema_editor):
    Page = apps.get_model("blog", "Page")
    if not Page.objects.filter(slug="about").exists():
        Page.objects.create(title="About", slug="about", body=ABOUT, body_html=render_post_markdown(ABOUT))


class Migration(migrations.Migration):
    dependencies = [("blog", "0006_standing_pages")]

    operations = [migrations.RunPython(create_about_page, migrations.RunPython.noop)]
