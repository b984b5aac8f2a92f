"""
A generated WordPress export for measuring the importer: ``write_wxr(path,
posts)`` writes a WXR file of ``posts`` posts (each with headings, a list,
a link, an image, code, a quote, two tags, a category and three comments,
one of them a reply) without holding it in memory.

    python -m bench.wxr --posts 10000 var/bench/large.xml   # then: manage.py import_posts var/bench/large.xml

prints the file's size, how long reading and converting it took, and the
memory the reader holds (tracemalloc) after 1,000 posts and at the end,
with the peak.
"""

import argparse
import datetime
import gc
import sys
import time
import tracemalloc
from pathlib import Path

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated</title>
<link>https://old.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://old.example.com</wp:base_blog_url>
"""
BODY = (
    '<h2>Section {n}</h2>\n<p>Prediction number {n} about <a href="https://example.com/{n}">markets</a>'
    " and <strong>rates</strong>.</p>\n<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n"
    '<p><img src="https://old.example.com/wp-content/uploads/{n}.jpg" alt="Chart {n}"></p>\n'
    "<pre><code>print({n})</code></pre>\n<blockquote><p>A quote.</p></blockquote>\n" + "<p>{filler}</p>\n"
)
FILLER = "Words that make the post a realistic length. "


def _comment(number, post, parent, day):
    return f"""<wp:comment><wp:comment_id>{number}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {number}]]></wp:comment_author>
<wp:comment_author_email>reader{number}@example.com</wp:comment_author_email>
<wp:comment_date_gmt>2020-01-{day:02d} 10:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Counterpoint {number} on post {post}, long enough.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>
"""


def write_wxr(path, posts, *, filler=40):
    start = datetime.datetime(2015, 1, 1)
    with Path(path).open("w", encoding="utf-8") as file:
        file.write(HEAD)
        for n in range(1, posts + 1):
            date = (start + datetime.timedelta(hours=n)).strftime("%Y-%m-%d %H:%M:%S")
            comments = "".join(_comment(n * 10 + i, n, n * 10 if i == 2 else 0, i + 1) for i in range(3))
            file.write(f"""<item><title>Generated post {n}</title>
<link>https://old.example.com/{date[:4]}/{date[5:7]}/generated-post-{n}/</link>
<dc:creator><![CDATA[author]]></dc:creator>
<content:encoded><![CDATA[{BODY.format(n=n, filler=FILLER * filler)}]]></content:encoded>
<excerpt:encoded><![CDATA[The dek of post {n}.]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>{date}</wp:post_date_gmt>
<wp:post_name>generated-post-{n}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="markets"><![CDATA[Markets]]></category>
<category domain="post_tag" nicename="t{n % 50}"><![CDATA[t{n % 50}]]></category>
<category domain="post_tag" nicename="rates"><![CDATA[rates]]></category>
{comments}</item>
""")
        file.write("</channel>\n</rss>\n")


def reading_memory(path, checkpoint=1000):
    """
    Read the export at ``path`` under tracemalloc: returns the number of
    items, the bytes still held after ``checkpoint`` items and at the end
    (garbage collected first, so only what the reader keeps counts), and
    the peak over the whole file.
    """
    from transfer.wordpress import read_wxr

    tracemalloc.start()
    early = None
    count = 0
    with Path(path).open("rb") as file:
        for count, _item in enumerate(read_wxr(file), start=1):
            if count == checkpoint:
                gc.collect()
                early = tracemalloc.get_traced_memory()[0]
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, early, held, peak


def main():
    import os

    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    write_wxr(args.path, args.posts)
    began = time.perf_counter()
    count, early, held, peak = reading_memory(args.path)
    seconds = time.perf_counter() - began
    size = args.path.stat().st_size / 1e6
    print(
        f"{args.path}: {size:.1f} MB, {count} posts read and converted in {seconds:.1f} s "
        "(under tracemalloc); "
        f"held {early / 1e6:.2f} MB after 1,000 posts and {held / 1e6:.2f} MB after all; "
        f"peak {peak / 1e6:.2f} MB",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
