"""
Ghost's JSON export (Settings → Labs → Export): posts and pages, tags,
authors, status and dates. Ghost keeps a post's rendered ``html`` beside
its editor format (mobiledoc or Lexical); we convert that HTML. A Lexical
post exported without ``html`` is rendered from its nodes here, and a
Ghost 0.x post from its ``markdown``.
"""

import datetime
import json
from html import escape

from django.utils.text import slugify

from .html import html_to_markdown
from .items import ItemError, make_item

DRAFT_STATUSES = {"draft", "sent"}


def read_ghost(source):
    """Yield an ``Item`` per post or page of the Ghost export file object ``source``, or an ``ItemError``."""
    try:
        export = json.load(source)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ItemError("the file", f"is not JSON ({error})") from None
    if isinstance(export, dict) and "db" in export:
        export = export["db"][0] if export["db"] else {}
    data = export.get("data") if isinstance(export, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise ItemError("the file", "is not a Ghost export: no data.posts")
    tags = {tag["id"]: tag for tag in data.get("tags", [])}
    users = {user.get("id"): user for user in data.get("users", [])}
    post_tags, post_authors = {}, {}
    for link in sorted(data.get("posts_tags", []), key=lambda link: link.get("sort_order", 0)):
        post_tags.setdefault(link["post_id"], []).append(tags.get(link["tag_id"], {}))
    for link in sorted(data.get("posts_authors", []), key=lambda link: link.get("sort_order", 0)):
        post_authors.setdefault(link["post_id"], []).append(users.get(link["author_id"], {}))
    for number, post in enumerate(data["posts"], start=1):
        name = f'post {number} "{post.get("title", "")}" (id {post.get("id")})'
        try:
            yield _item(
                post, name, post_tags.get(post.get("id"), []), post_authors.get(post.get("id"), []), users
            )
        except ItemError as error:
            yield error


def _date(value, name):
    if isinstance(value, int | float):  # Ghost 0.x: milliseconds
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ItemError(name, f"date {value!r} is not a date") from None


def _item(post, name, tags, authors, users):
    title = (post.get("title") or "").strip()
    slug = slugify(post.get("slug") or title) or f"ghost-{post.get('id')}"
    status = post.get("status", "draft")
    date = post.get("published_at") or post.get("created_at")
    if not date:
        raise ItemError(name, "it has no date (published_at or created_at)")
    if post.get("html"):
        body = html_to_markdown(post["html"])
    elif post.get("lexical"):
        body = html_to_markdown(lexical_to_html(json.loads(post["lexical"]).get("root", {})))
    elif post.get("markdown"):
        body = post["markdown"]
    else:
        raise ItemError(name, "it has no html, lexical or markdown content")
    if not authors and post.get("author_id") in users:
        authors = [users[post["author_id"]]]
    meta = {
        "title": title,
        "slug": slug[:200],
        "dek": (post.get("custom_excerpt") or "").strip()[:300],
        "date": _date(date, name),
        "tags": [tag["name"] for tag in tags if tag.get("name") and not tag["name"].startswith("#")],
        "draft": status in DRAFT_STATUSES,
    }
    return make_item(
        source_id=f"ghost:{post.get('uuid') or post.get('id')}",
        name=name,
        meta=meta,
        body=body,
        author=authors[0].get("slug", "") if authors else "",
        old_paths=[f"/{post.get('slug')}/"] if post.get("slug") else [],
    )


TEXT_FORMATS = ((1, "strong"), (2, "em"), (4, "s"), (16, "code"))


def lexical_to_html(node):
    """HTML for a Lexical node tree: the nodes Ghost writes for text, lists, links, images and code."""
    kind = node.get("type")
    inner = "".join(lexical_to_html(child) for child in node.get("children", []))
    if kind == "text":
        text = escape(node.get("text", ""))
        for bit, tag in TEXT_FORMATS:
            if node.get("format", 0) & bit:
                text = f"<{tag}>{text}</{tag}>"
        return text
    if kind == "linebreak":
        return "<br>"
    if kind == "link":
        return f'<a href="{escape(node.get("url", ""))}">{inner}</a>'
    if kind in ("paragraph", "extended-text"):
        return f"<p>{inner}</p>"
    if kind in ("heading", "extended-heading"):
        tag = node.get("tag", "h2")
        return f"<{tag}>{inner}</{tag}>"
    if kind in ("quote", "extended-quote", "aside"):
        return f"<blockquote>{inner}</blockquote>"
    if kind == "list":
        tag = "ol" if node.get("listType") == "number" else "ul"
        return f"<{tag}>{inner}</{tag}>"
    if kind == "listitem":
        return f"<li>{inner}</li>"
    if kind == "image":
        caption = f"<figcaption>{node['caption']}</figcaption>" if node.get("caption") else ""
        image = f'<img src="{escape(node.get("src", ""))}" alt="{escape(node.get("alt", ""))}">'
        return f"<figure>{image}{caption}</figure>"
    if kind == "codeblock":
        language = escape(node.get("language") or "")
        return f'<pre><code class="language-{language}">{escape(node.get("code", ""))}</code></pre>'
    if kind == "horizontalrule":
        return "<hr>"
    if kind == "html":
        return node.get("html", "")
    return inner
