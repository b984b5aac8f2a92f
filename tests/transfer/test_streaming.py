"""
A large WordPress export is read as a stream: memory does not grow with the
file. (``python -m bench.wxr --posts 10000 var/bench/large.xml`` measures
the 10,000-post case; README "Moving in" has the figures.)
"""

import pytest

from bench.wxr import reading_memory, write_wxr
from blog.models import Post
from counterpoints.models import Counterpoint

from .support import run

pytestmark = pytest.mark.django_db


def test_reading_a_large_export_keeps_memory_flat(tmp_path, capsys):
    export = tmp_path / "large.xml"
    write_wxr(export, 2_000, filler=1)

    count, after_500, at_the_end, peak = reading_memory(export, checkpoint=500)

    with capsys.disabled():
        print(
            f"\n2,000-post WXR ({export.stat().st_size / 1e6:.1f} MB): {after_500 / 1e6:.2f} MB held "
            f"after 500 posts, {at_the_end / 1e6:.2f} MB after 2,000, peak {peak / 1e6:.2f} MB"
        )
    assert count == 2_000
    assert at_the_end < after_500 + 100_000
    assert peak < export.stat().st_size / 2


def test_a_generated_export_imports_posts_comments_and_redirects(tmp_path, client, monkeypatch):
    from transfer.management.commands import import_posts

    monkeypatch.setattr(import_posts, "PROGRESS_EVERY", 5)
    export = tmp_path / "small.xml"
    write_wxr(export, 20)

    _, err, error = run("import_posts", export)

    assert error is None, err
    assert "… 10 items read" in err  # progress for long imports
    assert Post.objects.count() == 20
    assert Counterpoint.objects.approved().count() == 60
    post = Post.objects.get(slug="generated-post-7")
    assert "## Section 7" in post.body
    assert "```\nprint(7)\n```" in post.body
    assert client.get("/?p=7")["Location"] == "/posts/generated-post-7/"
