"""
Claims in a post's Markdown: a markdown-it-py container (mdit-py-plugins).

    ::: claim 70% by 2027-06-30 {#gpu-prices}
    GPU rental prices fall by half.
    :::

The head is ``claim``, a confidence from 1% to 99% (0 and 100 are
certainties, not forecasts), an optional check-back date ``by YYYY-MM-DD``
and an optional id ``{#some-id}``. The id is the claim's identity across
edits; without one, claims.services matches a reworded claim to the old one
by its text. Claims may sit inside lists and quotes, not inside each other.

This module knows nothing of the database: ``PLUGIN`` (registered with
core.markup by ClaimsConfig.ready) teaches posts' Markdown, the editor's
preview and ``Post.clean`` the syntax, and claims.services passes the stored
claims (their ids and verdicts) in the render ``env`` so the page shows them.
"""

import datetime
import html
import re
from dataclasses import dataclass

import nh3
from django.utils.text import slugify
from django.utils.translation import gettext
from mdit_py_plugins.container import container_plugin

from core.markup import Plugin

MIN_CONFIDENCE, MAX_CONFIDENCE = 1, 99
KEY_LENGTH = 50

_HEAD = re.compile(
    r"^claim\s+(?P<confidence>\d{1,3})\s*%"
    r"(?:\s+by\s+(?P<date>\S+))?"
    r"(?:\s+\{#(?P<key>[^}\s]*)\})?\s*$"
)
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FENCE = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?\s*:{3,}(?:\s*claim\b.*)?\s*$")
EXAMPLE = "::: claim 70% by 2027-06-30 {#an-id}"

# The classes the sanitiser lets through (core/markup.py).
ALLOWED_CLASSES = {
    "div": {
        "claim", "claim-open", "claim-true", "claim-false", "claim-partly", "claim-void",
        "claim-withdrawn", "claim-malformed",
    },
    "p": {"claim-meta"},
    "span": {"claim-confidence", "claim-due", "claim-verdict"},
    "a": {"claim-anchor"},
}  # fmt: skip


@dataclass
class ParsedClaim:
    line: int  # 1-based line of the ``::: claim`` head
    confidence: int
    check_back_by: datetime.date | None
    key: str  # the explicit id, or "" when the author gave none
    text: str


class ClaimSyntaxError(ValueError):
    def __init__(self, line, problem):
        self.line, self.problem = line, problem
        super().__init__(f"Line {line}: {problem}")


def _head(info, line):
    """The head of a ``::: claim`` container as (confidence, date, key), or raise ClaimSyntaxError."""
    info = " ".join(info.split())
    match = _HEAD.match(info)
    if match is None:
        raise ClaimSyntaxError(
            line,
            f"“::: {info}” is not a claim head. Write it as “{EXAMPLE}” (the date and the id are optional).",
        )
    confidence = int(match["confidence"])
    if not MIN_CONFIDENCE <= confidence <= MAX_CONFIDENCE:
        raise ClaimSyntaxError(
            line, f"the confidence must be from {MIN_CONFIDENCE}% to {MAX_CONFIDENCE}%, not {confidence}%."
        )
    check_back_by = None
    if match["date"]:
        try:
            check_back_by = datetime.date.fromisoformat(match["date"])
        except ValueError:
            raise ClaimSyntaxError(
                line, f"“{match['date']}” is not a date: write the check-back date as YYYY-MM-DD."
            ) from None
    key = match["key"] or ""
    if match["key"] is not None and not (KEY_PATTERN.match(key) and len(key) <= KEY_LENGTH):
        raise ClaimSyntaxError(
            line,
            f"the id “{key}” must be lower-case letters, digits and hyphens "
            f"(at most {KEY_LENGTH} characters).",
        )
    return confidence, check_back_by, key


def _annotate(state):
    """Core rule: give every claim container its parsed head or its error, in document order."""
    depth = 0
    keys = set()
    number = 0  # the n-th well-formed claim in the text is the n-th stored one
    for token in state.tokens:
        if token.type == "container_claim_close":
            depth -= 1
            continue
        if token.type != "container_claim_open":
            continue
        depth += 1
        line = token.map[0] + 1 if token.map else 0
        token.meta = {"line": line}
        try:
            if depth > 1:
                raise ClaimSyntaxError(
                    line, "a claim cannot contain another claim: close the first with “:::”."
                )
            token.meta["head"] = _head(token.info.strip(), line)
            key = token.meta["head"][2]
            if key and key in keys:
                raise ClaimSyntaxError(line, f"the id “{key}” is used by two claims in this post.")
            keys.add(key)
            token.meta["number"] = number
            number += 1
        except ClaimSyntaxError as error:
            token.meta = {"line": line, "error": error}


def _validate(params, markup):
    return params.strip().split(" ", 1)[0] == "claim"


def _render(renderer, tokens, idx, options, env):
    token = tokens[idx]
    if token.nesting == -1:
        return "</div>\n"
    if env.get("plain"):
        return "<div>\n"
    if "error" in token.meta:
        return '<div class="claim claim-malformed">\n'
    number = token.meta["number"]
    confidence, check_back_by, key = token.meta["head"]
    stored = env.get("claims") or []
    record = stored[number] if number < len(stored) else {}
    key = record.get("key") or key or f"{number + 1}"
    state = record.get("verdict") or "open"
    parts = [
        f'<a class="claim-anchor" href="#claim-{html.escape(key)}">Claim</a>',
        f'<span class="claim-confidence">{confidence}% confident</span>',
    ]
    if check_back_by:
        parts.append(f'<span class="claim-due">check back by {check_back_by.isoformat()}</span>')
    if record.get("verdict_label"):
        parts.append(f'<span class="claim-verdict">verdict: {html.escape(record["verdict_label"])}</span>')
    return (
        f'<div class="claim claim-{state}" id="claim-{html.escape(key)}">\n'
        f'<p class="claim-meta">{" · ".join(parts)}</p>\n'
    )


def claims_plugin(md):
    container_plugin(md, "claim", validate=_validate, render=_render)
    md.core.ruler.push("claims", _annotate)


def parse_claims(md, text):
    """
    The claims in ``text`` as ParsedClaims, in document order, and the list
    of ClaimSyntaxErrors (empty when every claim is well formed).
    """
    tokens = md.parse(text or "", {})
    claims, errors = [], []
    for index, token in enumerate(tokens):
        if token.type != "container_claim_open":
            continue
        if "error" in token.meta:
            errors.append(token.meta["error"])
            continue
        end, depth = index + 1, 0
        while end < len(tokens) and not (tokens[end].type == "container_claim_close" and depth == 0):
            depth += tokens[end].nesting if tokens[end].type.startswith("container_claim") else 0
            end += 1
        inner = tokens[index + 1 : end]
        rendered = md.renderer.render(inner, md.options, {"plain": True})
        words = " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())
        confidence, check_back_by, key = token.meta["head"]
        if not words:
            errors.append(
                ClaimSyntaxError(token.meta["line"], "the claim has no text: write it before “:::”.")
            )
            continue
        claims.append(ParsedClaim(token.meta["line"], confidence, check_back_by, key, words))
    return claims, errors


def strip_claim_fences(markdown):
    """The Markdown without its ``::: claim`` and ``:::`` lines (so they are not counted as words)."""
    return "\n".join(line for line in (markdown or "").splitlines() if not _FENCE.match(line))


def key_from_text(text):
    """A readable id made from a claim's first words."""
    return slugify(" ".join(text.split()[:6]))[:KEY_LENGTH].strip("-") or "claim"


def claim_problems(md, text):
    """The author's mistakes in claims, worded for the post form."""
    _claims, errors = parse_claims(md, text)
    return [gettext("Claim syntax: %(error)s") % {"error": error} for error in errors]


PLUGIN = Plugin(
    name="claims",
    extend=claims_plugin,
    attributes={"div": {"id"}},  # a claim's anchor; raw HTML is off, so only this plugin writes one
    classes=ALLOWED_CLASSES,
    words=strip_claim_fences,
    problems=claim_problems,
)
