"""
The one Markdown pipeline: markdown-it-py, then nh3.

Posts, verdict notes, counterpoints and markdownx's live preview all go
through here, so the preview shows exactly what will be published.
markdown-it-py runs CommonMark with raw HTML off and stays linear on hostile
input (Python-Markdown, markdownx's default, goes quadratic on a run of
``[`` and passes raw HTML through). nh3 then keeps only an allow-list of
tags, attributes and URL schemes, whatever the parser let through.

Apps teach posts more syntax with a ``Plugin``, registered from their
``AppConfig.ready()`` (claims registers ``::: claim``): this module knows no
app, and every app may import it.
"""

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

URL_SCHEMES = {"http", "https", "mailto"}

POST_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td", "div", "span",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    # Code fences: the fence's language (see highlight_fence).
    "pre": {"class"},
    "code": {"class"},
}
# Classes posts may carry, besides the plugins': Pygments' token classes on
# the spans of a highlighted code fence.
POST_CLASSES = {"span": {name for name in STANDARD_TYPES.values() if name}}

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
    Only posts are highlighted: readers' fences stay plain code, and cost no
    lexing.
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


@dataclass(frozen=True)
class Plugin:
    """
    Syntax an app adds to posts (not to readers' counterpoints).

    ``extend``: a markdown-it-py plugin, called with the post parser.
    ``tags``, ``attributes``, ``classes``: what its HTML needs the sanitiser to keep.
    ``words``: the Markdown as it should be counted for the word count (its markup removed).
    ``problems``: ``problems(parser, text)``, messages for the author on a malformed use.
    """

    name: str
    extend: Callable
    tags: frozenset = frozenset()
    attributes: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    words: Callable | None = None
    problems: Callable | None = None


_plugins = {}


def register(plugin):
    """Add ``plugin`` to posts' Markdown (from an ``AppConfig.ready()``; again under one name replaces it)."""
    _plugins[plugin.name] = plugin
    _post_pipeline.cache_clear()


@dataclass(frozen=True)
class _Pipeline:
    parser: MarkdownIt
    tags: set
    attributes: dict
    classes: dict


def _merged(base, extras):
    merged = {key: set(value) for key, value in base.items()}
    for extra in extras:
        for key, value in extra.items():
            merged[key] = merged.get(key, set()) | set(value)
    return merged


@functools.cache
def _post_pipeline():
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    plugins = list(_plugins.values())
    for plugin in plugins:
        parser.use(plugin.extend)
    parser.add_render_rule("fence", highlight_fence)
    return _Pipeline(
        parser=parser,
        tags=POST_TAGS.union(*(plugin.tags for plugin in plugins)),
        attributes=_merged(POST_ATTRIBUTES, (plugin.attributes for plugin in plugins)),
        classes=_merged(POST_CLASSES, (plugin.classes for plugin in plugins)),
    )


def post_parser():
    """The parser for the author's Markdown, with every registered plugin."""
    return _post_pipeline().parser


def post_allow_list():
    """What the sanitiser keeps in a post, the plugins' needs included, as (tags, attributes, classes)."""
    pipeline = _post_pipeline()
    return pipeline.tags, pipeline.attributes, pipeline.classes


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


def render_post_markdown(text, *, env=None):
    """
    The author's Markdown (posts, verdict notes, the editor preview).
    ``env`` reaches the plugins' renderers: claims.services passes the post's
    stored claims, so each claim shows its id and verdict.
    """
    pipeline = _post_pipeline()
    return render_markdown(
        text,
        tags=pipeline.tags,
        attributes=pipeline.attributes,
        parser=pipeline.parser,
        env=env,
        classes=pipeline.classes,
    )


def post_problems(text):
    """What the plugins find malformed in the author's Markdown, as messages (empty when all is well)."""
    parser = post_parser()
    checks = [plugin.problems for plugin in _plugins.values() if plugin.problems]
    return [message for problems in checks for message in problems(parser, text)]


def countable_text(text):
    """The Markdown with the plugins' markup removed, as the word count counts it."""
    for plugin in _plugins.values():
        if plugin.words:
            text = plugin.words(text)
    return text or ""


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
    text_only = nh3.clean(post_parser().render(text or "", {"plain": True}), tags=set())
    return " ".join(html.unescape(text_only).split())


_URL_ATTRIBUTE = re.compile(r'\b(src|href|srcset)="([^"]*)"')


def absolute_urls(html, base):
    """
    ``html`` with every ``src``, ``href`` and ``srcset`` address made absolute against ``base``.

    A feed reader has no page to resolve ``/media/…`` or ``#note`` against,
    so a relative address in a feed is a broken image or link (issue 14).
    The HTML is our sanitised output, which always quotes attributes with
    double quotes.
    """

    def absolute(match):
        name, value = match[1], match[2]
        if name == "srcset":
            candidates = (candidate.strip().split(" ", 1) for candidate in value.split(","))
            value = ", ".join(" ".join([urljoin(base, url), *rest]) for url, *rest in candidates)
        else:
            value = urljoin(base, value)
        return f'{name}="{value}"'

    return _URL_ATTRIBUTE.sub(absolute, html)
