"""What comes in from another engine is never trusted: no script survives, nothing unapproved is published."""

import pytest

from blog.models import Post

from .support import run

pytestmark = pytest.mark.django_db

HOSTILE_WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Hostile</title><link>https://old.example.com</link>
<item><title>Innocent looking</title><link>https://old.example.com/innocent/</link>
<content:encoded><![CDATA[<p>Hello <script>alert('post')</script>
<img src="x.png" onerror="alert('img')" alt="x">
<a href="javascript:alert('link')">click</a> <iframe src="https://evil.example"></iframe></p>]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>
<wp:post_name>innocent</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author><![CDATA[<b>Mallory</b>]]></wp:comment_author>
<wp:comment_author_url>javascript:alert('url')</wp:comment_author_url>
<wp:comment_date_gmt>2020-01-02 00:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Nice <script>alert('comment')</script><a href="javascript:alert(1)">post</a>]]>
</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type></wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Spammer</wp:comment_author>
<wp:comment_date_gmt>2020-01-03 00:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Buy cheap watches at spam.example]]></wp:comment_content>
<wp:comment_approved>spam</wp:comment_approved><wp:comment_type></wp:comment_type></wp:comment>
</item>
<item><title>Broken</title><wp:post_id>2</wp:post_id><wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
<content:encoded><![CDATA[<p>No date at all.</p>]]></content:encoded>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


@pytest.fixture
def hostile_import(tmp_path):
    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE_WXR, encoding="utf-8")
    return run("import_posts", path, "--include-pending")


def test_no_script_from_an_imported_post_or_comment_reaches_the_page(client, hostile_import):
    html = client.get("/posts/innocent/").content.decode()

    assert "Hello" in html
    assert "Nice" in html
    for hostile in ("<script>alert", "onerror=", 'href="javascript:', "<iframe", "<b>Mallory</b>"):
        assert hostile not in html


def test_spam_comments_never_come_in_even_with_include_pending(hostile_import):
    post = Post.objects.get(slug="innocent")

    assert list(post.counterpoints.values_list("author_name", flat=True)) == ["<b>Mallory</b>"]
    assert post.counterpoints.get().author_website == ""


def test_an_item_without_a_date_is_named_with_its_line(hostile_import):
    _, err, error = hostile_import

    assert 'item 2 "Broken" (line 22): it has no readable date' in err
    assert error is not None
