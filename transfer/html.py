"""
HTML from another engine turned into the Markdown our editor and pipeline
speak. markdownify (on BeautifulSoup) keeps what posts are made of:
ATX headings, nested lists with their start numbers, links and images with
titles, fenced code, blockquotes and pipe tables. Whatever HTML is left
over is never trusted: the Markdown is rendered with raw HTML off and
sanitised on save like any post.
"""

import re

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

BLOCK_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|td|th|dl|dt|dd|figure|hr|"
    r"address|section|article|aside|header|footer|nav|details|hr|img)\b",
    re.IGNORECASE,
)
PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
MORE_TAG = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.DOTALL)


def _code_language(pre):
    """The language of a ``<pre><code class="language-python">`` block, for the fence."""
    code = pre.find("code") or pre
    for name in code.get("class", []):
        if name.startswith(("language-", "lang-")):
            return name.split("-", 1)[1]
    return ""


class _Converter(MarkdownConverter):
    def convert_figcaption(self, el, text, parent_tags):
        return f"\n\n{text.strip()}\n\n" if text.strip() else ""


CONVERTER = _Converter(
    heading_style="ATX", bullets="-", escape_misc=False, code_language_callback=_code_language
)


def autop(html):
    """
    Paragraphs from blank lines, as WordPress's wpautop() makes them when it
    shows a classic post: the export keeps the text as typed. Preformatted
    blocks are left alone.
    """
    saved = []

    def keep(match):
        saved.append(match.group(0))
        return f"\x00{len(saved) - 1}\x00"

    text = PRE.sub(keep, html.replace("\r\n", "\n"))
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    paragraphs = [
        chunk if BLOCK_START.match(chunk) or chunk.startswith("\x00") else f"<p>{chunk}</p>"
        for chunk in chunks
    ]
    text = "\n\n".join(paragraphs)
    return re.sub(r"\x00(\d+)\x00", lambda match: saved[int(match.group(1))], text)


def html_to_markdown(html, *, paragraphs_from_blank_lines=False):
    """Markdown for ``html``: headings, lists, links, images, code, blockquotes and tables kept."""
    html = MORE_TAG.sub("", BLOCK_COMMENT.sub("", html or ""))
    if paragraphs_from_blank_lines:
        html = autop(html)
    soup = BeautifulSoup(html, "html.parser")
    try:
        markdown = CONVERTER.convert_soup(soup)
    finally:
        soup.decompose()  # its tree is full of cycles: free it now, not at the next collection
    # markdownify leaves runs of blank lines where block tags met.
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()
