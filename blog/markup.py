"""
The one Markdown pipeline: markdown-it-py, then nh3.

Posts, verdict notes, counterpoints and markdownx's live preview all go
through here, so the preview shows exactly what will be published.
markdown-it-py runs CommonMark with raw HTML off and stays linear on hostile
input (Python-Markdown, markdownx's default, goes quadratic on a run of
``[`` and passes raw HTML through). nh3 then keeps only an allow-list of
tags, attributes and URL schemes, whatever the parser let through.
"""

import functools
import html
from urllib.parse import urljoin

import nh3
from markdown_it import MarkdownIt

from claims.markup import ALLOWED_CLASSES as CLAIM_CLASSES
from claims.markup import claims_plugin

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
# Posts also understand claims (``::: claim 70% by 2027-06-30``, see claims/markup.py).
post_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).use(claims_plugin)

URL_SCHEMES = {"http", "https", "mailto"}

POST_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td", "div", "span",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "div": {"id"},  # a claim's anchor; raw HTML is off, so only the claims plugin writes one
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}

# Readers get a smaller language: no images, no headings, no tables.
COUNTERPOINT_TAGS = {
    "p", "br", "a", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li",
}  # fmt: skip
COUNTERPOINT_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}


def render_markdown(
    text, *, tags=POST_TAGS, attributes=POST_ATTRIBUTES, link_rel=None, parser=_parser, env=None, classes=None
):
    """Render Markdown ``text`` to sanitised HTML."""
    html = parser.render(text or "", env or {})
    return nh3.clean(
        html,
        tags=tags,
        # "*" replaces ammonia's generic attributes (title and lang on every
        # tag), so the allow-list is exactly the one given.
        attributes={"*": set(), **attributes},
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
        allowed_classes=classes or {},
    )


def render_post_markdown(text, *, claims=None):
    """
    The author's Markdown (posts, verdict notes, the editor preview).
    ``claims``: the post's stored claims in text order, as claims.services
    passes them, so each claim shows its id and verdict.
    """
    return render_markdown(text, parser=post_parser, env={"claims": claims or []}, classes=CLAIM_CLASSES)


@functools.lru_cache(maxsize=16)
def render_counterpoint_markdown(text):
    """
    A reader's Markdown: the small subset, links marked as user content.
    Remembered for the last few texts: a submission is rendered to count its
    links (the form), then stored (the model), and should cost one render.
    """
    return render_markdown(
        text,
        tags=COUNTERPOINT_TAGS,
        attributes=COUNTERPOINT_ATTRIBUTES,
        link_rel="nofollow ugc noopener",
    )


def plain_text(text):
    """The words of some Markdown, without markup (for excerpts and meta)."""
    text_only = nh3.clean(post_parser.render(text or "", {"plain": True}), tags=set())
    return " ".join(html.unescape(text_only).split())


def absolute_urls(stored_html, base_url):
    """
    Stored HTML with every link and image made absolute against ``base_url``.

    Feed readers show an entry away from the site, where ``/tags/…``,
    ``#section`` and ``/media/…`` lead nowhere (issue 15). The HTML is
    already sanitised; this pass keeps the same tags and only rewrites URLs.
    """

    def rewrite(tag, attribute, value):
        return urljoin(base_url, value) if attribute in ("href", "src") else value

    return nh3.clean(
        stored_html,
        tags=POST_TAGS | COUNTERPOINT_TAGS,
        attributes={"*": set(), **POST_ATTRIBUTES, "a": {"href", "title", "rel"}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        attribute_filter=rewrite,
    )
