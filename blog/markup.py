"""
The one Markdown pipeline: markdown-it-py, then nh3.

Posts, verdict notes, counterpoints and markdownx's live preview all go
through here, so the preview shows exactly what will be published.
markdown-it-py runs CommonMark with raw HTML off and stays linear on hostile
input (Python-Markdown, markdownx's default, goes quadratic on a run of
``[`` and passes raw HTML through). nh3 then keeps only an allow-list of
tags, attributes and URL schemes, whatever the parser let through.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

URL_SCHEMES = {"http", "https", "mailto"}

POST_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    # Code fences: Pygments' token classes and the fence's language (see highlight_fence).
    "pre": {"class"},
    "code": {"class"},
    "span": {"class"},
}

# Readers get a smaller language: no images, no headings, no tables.
COUNTERPOINT_TAGS = {
    "p", "br", "a", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li",
}  # fmt: skip
COUNTERPOINT_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}


def highlight_fence(renderer, tokens, idx, options, env):
    """
    A fenced code block, highlighted by Pygments with CSS classes (never
    inline styles, which the CSP refuses) and its language kept as
    ``class="language-…"``. Unknown languages come out escaped, unhighlighted.
    Counterpoints' allow-list has no ``span`` or ``class``, so readers' fences
    are plain code.
    """
    token = tokens[idx]
    language = re.sub(r"[^\w+#.-]", "", (token.info.split() or [""])[0])[:40]
    try:
        lexer = get_lexer_by_name(language) if language else None
    except ClassNotFound:
        lexer = None
    code = highlight(token.content, lexer, _FORMATTER) if lexer else html.escape(token.content)
    code_class = f' class="language-{language}"' if language else ""
    return f'<pre class="highlight"><code{code_class}>{code}</code></pre>\n'


_FORMATTER = HtmlFormatter(nowrap=True)
_parser.add_render_rule("fence", highlight_fence)


def render_markdown(text, *, tags=POST_TAGS, attributes=POST_ATTRIBUTES, link_rel=None):
    """Render Markdown ``text`` to sanitised HTML."""
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=tags,
        # "*" replaces ammonia's generic attributes (title and lang on every
        # tag), so the allow-list is exactly the one given.
        attributes={"*": set(), **attributes},
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
    )


def render_post_markdown(text):
    """The author's Markdown (posts, verdict notes, the editor preview)."""
    return render_markdown(text)


def render_counterpoint_markdown(text):
    """A reader's Markdown: the small subset, links marked as user content."""
    return render_markdown(
        text,
        tags=COUNTERPOINT_TAGS,
        attributes=COUNTERPOINT_ATTRIBUTES,
        link_rel="nofollow ugc noopener",
    )


def plain_text(text):
    """The words of some Markdown, without markup (for excerpts and meta)."""
    text_only = nh3.clean(_parser.render(text or ""), tags=set())
    return " ".join(html.unescape(text_only).split())
