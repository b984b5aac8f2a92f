"""
WordPress eXtended RSS (WXR), the file Tools → Export writes.

Read as a stream with expat: only the ``<item>`` being read is held in
memory (as a small ElementTree), so a 50 MB export costs what one post
costs. expat also gives the line each item starts on, for the report.
Namespaces are matched by their last part, since WXR 1.0–1.2 and
WordPress.com spell them differently (http/https, /export/1.x/).
"""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from django.utils.text import slugify

from .html import html_to_markdown
from .items import Comment, ItemError, make_item

CHUNK = 64 * 1024
IMPORTED_TYPES = {"post", "page"}
# private and password-protected posts come in as drafts: nothing becomes public that was not.
DRAFT_STATUSES = {"draft", "pending", "private", "auto-draft"}
SKIPPED_STATUSES = {"trash", "inherit"}
NO_DATE = "0000-00-00 00:00:00"


def _short_name(name):
    """'https://wordpress.org/export/1.2/ post_type' → 'wp:post_type'."""
    uri, _, local = name.rpartition(" ")
    if not uri:
        return local
    if "excerpt" in uri:
        return f"excerpt:{local}"
    if "wordpress.org/export" in uri:
        return f"wp:{local}"
    if "purl.org/rss/1.0/modules/content" in uri:
        return f"content:{local}"
    if "purl.org/dc/" in uri:
        return f"dc:{local}"
    return local


def _text(element, name):
    return (element.findtext(name) or "").strip()


def _gmt(value, fallback=""):
    for text in (value, fallback):
        if text and text != NO_DATE:
            try:
                return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.UTC)
            except ValueError:
                continue
    return None


def _path(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path or parts.query else ""


def read_wxr(source, *, include_pending=False):
    """
    Yield an ``Item`` per post or page of the WXR file object ``source``
    (bytes), or an ``ItemError`` for one that cannot be imported; attachments,
    menus and other types are passed over.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    state = {"depth": 0, "builder": None, "line": 0, "site": ""}
    ready = []

    def start(name, attrs):
        state["depth"] += 1
        tag = _short_name(name)
        if state["depth"] == 3:  # a child of <channel>: an item, an author, the site's address
            state["builder"] = ET.TreeBuilder()
            state["line"] = parser.CurrentLineNumber
        if state["builder"] is not None:
            state["builder"].start(tag, {_short_name(key): value for key, value in attrs.items()})

    def end(name):
        builder = state["builder"]
        if builder is not None:
            builder.end(_short_name(name))
            if state["depth"] == 3:
                state["builder"] = None
                element = builder.close()
                if element.tag == "item":
                    ready.append(_item(element, state["line"], state["site"], include_pending))
                elif element.tag in ("wp:base_blog_url", "link") and not state["site"]:
                    state["site"] = (element.text or "").strip().rstrip("/")
        state["depth"] -= 1

    def data(text):
        if state["builder"] is not None:
            state["builder"].data(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    while True:
        chunk = source.read(CHUNK)
        try:
            parser.Parse(chunk, not chunk)
        except expat.ExpatError as error:
            yield from (item for item in ready if item is not None)
            raise ItemError(f"line {error.lineno}", f"the file is not well-formed XML ({error})") from None
        yield from (item for item in ready if item is not None)
        ready.clear()
        if not chunk:
            return


def _item(element, line, site, include_pending):
    kind = _text(element, "wp:post_type")
    status = _text(element, "wp:status")
    if kind not in IMPORTED_TYPES or status in SKIPPED_STATUSES:
        return None
    wp_id = _text(element, "wp:post_id")
    title = _text(element, "title")
    name = f'item {wp_id} "{title}" (line {line})'
    post_name = unquote(_text(element, "wp:post_name"))
    # An ASCII slug only: a Greek or Cyrillic one would slugify to its digits, or nothing.
    slug = next((slugify(text) for text in (post_name, title) if text.isascii() and slugify(text)), "")
    slug = slug or f"{kind}-{wp_id}"
    if not title:
        title = post_name.replace("-", " ").strip().capitalize() or f"Untitled {kind} {wp_id}"
    published_at = _gmt(_text(element, "wp:post_date_gmt"), _text(element, "wp:post_date"))
    if published_at is None:
        return ItemError(name, "it has no readable date (wp:post_date_gmt)")
    tags = []
    for category in element.findall("category"):
        label = (category.text or "").strip()
        wanted = category.get("domain") in ("category", "post_tag") and label.lower() != "uncategorized"
        if wanted and label and label.lower() not in {tag.lower() for tag in tags}:
            tags.append(label)
    link = _text(element, "link")
    old_paths = [path for path in (_path(link),) if path]
    id_path = f"/?{'page_id' if kind == 'page' else 'p'}={wp_id}"
    if id_path not in old_paths:
        old_paths.append(id_path)
    protected = bool(_text(element, "wp:post_password"))
    meta = {
        "title": title[:200],
        "slug": slug[:200],
        "dek": _text(element, "excerpt:encoded")[:300],
        "date": published_at,
        "tags": tags,
        "draft": status in DRAFT_STATUSES or protected,
    }
    body = html_to_markdown(_text(element, "content:encoded"), paragraphs_from_blank_lines=True)
    try:
        return make_item(
            source_id=f"wordpress:{site}/?p={wp_id}",
            name=name,
            meta=meta,
            body=body,
            author=_text(element, "dc:creator"),
            comments=_comments(element, include_pending),
            old_paths=old_paths,
        )
    except ItemError as error:
        return error


def _comments(element, include_pending):
    """Approved comments (and held ones if asked), replies flattened in the order they were written."""
    comments = []
    for comment in element.findall("wp:comment"):
        approved = _text(comment, "wp:comment_approved")
        kind = _text(comment, "wp:comment_type")
        if (
            kind in ("pingback", "trackback")
            or approved not in ("1", "0")
            or (approved == "0" and not include_pending)
        ):
            continue
        body = html_to_markdown(_text(comment, "wp:comment_content"), paragraphs_from_blank_lines=True)
        submitted_at = _gmt(_text(comment, "wp:comment_date_gmt"), _text(comment, "wp:comment_date"))
        if not body or submitted_at is None:
            continue
        website = _text(comment, "wp:comment_author_url")
        comments.append(
            (
                submitted_at,
                int(_text(comment, "wp:comment_id") or 0),
                Comment(
                    author_name=(_text(comment, "wp:comment_author") or "Anonymous")[:80],
                    author_email=_text(comment, "wp:comment_author_email")[:254],
                    author_website=website[:200] if re.match(r"https?://", website) else "",
                    body=body,
                    submitted_at=submitted_at,
                    approved=approved == "1",
                ),
            )
        )
    return [comment for _, _, comment in sorted(comments, key=lambda entry: entry[:2])]
