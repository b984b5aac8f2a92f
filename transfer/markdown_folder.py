"""
Folders of Markdown files with front matter, as static site generators keep
them: YAML between ``---`` lines (Jekyll, Eleventy, Astro, Hugo) or TOML
between ``+++`` lines (Hugo, and our own seeds and ``export_site``).

Their keys are mapped onto ours, then checked by the seed loader's rules:
``description``/``summary``/``excerpt`` → dek, ``categories`` join
``tags``, ``pubDate`` → date, ``published: false`` → draft, and
``aliases``/``redirect_from``/``permalink``/``url`` become redirects.
A Jekyll file name gives the date and slug: ``2019-05-01-my-post.md``.
"""

import datetime
import re

import yaml

from blog.seeds import SeedError, split_front_matter

from .items import ItemError, make_item

JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
DEK_KEYS = ("dek", "description", "summary", "excerpt", "subtitle")
DATE_KEYS = ("date", "pubDate", "publishDate", "published_at")
OLD_PATH_KEYS = ("aliases", "redirect_from", "permalink", "url")
OUR_KEYS = ("hindsight", "claims", "check_back_by", "counterpoints_open", "cover", "cover_alt")
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx"}


def markdown_files(folder):
    """Every Markdown file under ``folder``, in a stable order (drafts folders included)."""
    return sorted(
        path for path in folder.rglob("*") if path.suffix.lower() in MARKDOWN_SUFFIXES and path.is_file()
    )


def read_folder(folder):
    """Yield an ``Item`` per Markdown file under ``folder``, or an ``ItemError`` naming the file."""
    for path in markdown_files(folder):
        name = str(path.relative_to(folder))
        try:
            yield read_file(path, name)
        except ItemError as error:
            yield error


def read_file(path, name):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ItemError(name, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    meta, body = front_matter(text, name)
    return make_item(
        source_id=f"file:{name}",
        name=name,
        meta=our_keys(meta, path.stem, name),
        body=body,
        old_paths=_old_paths(meta),
    )


def front_matter(text, name):
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0].strip()
    if first == "+++":
        try:
            return split_front_matter(text)
        except SeedError as error:
            raise ItemError(name, error) from None
    if first != "---":
        raise ItemError(name, "front matter missing: the file must start with '---' (YAML) or '+++' (TOML)")
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), None)
    if end is None:
        raise ItemError(name, "front matter is not closed by a second '---' line")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise ItemError(
            name, f"front matter is not valid YAML{where}: {getattr(error, 'problem', error)}"
        ) from None
    if not isinstance(meta, dict):
        raise ItemError(name, "front matter must be a set of keys and values")
    return meta, "\n".join(lines[end + 1 :])


def _list(value):
    if value is None:
        return []
    if isinstance(value, str):
        # Jekyll allows "tags: one two" as well as a list.
        return value.split() if "," not in value else [part.strip() for part in value.split(",")]
    if isinstance(value, list):
        return [str(entry).strip() for entry in value if str(entry).strip()]
    return [str(value)]


def _date(value, name):
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, str):
        text = (
            re.sub(r"\s*([+-]\d{2}):?(\d{2})$", r"+\1:\2", value.strip())
            .replace("++", "+")
            .replace("+-", "-")
        )
        try:
            return datetime.datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            pass
    raise ItemError(name, f"date {value!r} is not a date")


def our_keys(meta, stem, name):
    """Front matter in any of the usual dialects, as the seed loader's keys."""
    jekyll = JEKYLL_NAME.match(stem)
    date = next((meta[key] for key in DATE_KEYS if meta.get(key)), None)
    if date is None and jekyll:
        date = datetime.date(*map(int, jekyll.groups()[:3]))
    mapped = {key: meta[key] for key in OUR_KEYS if key in meta}
    tags = []
    for tag in _list(meta.get("tags")) + _list(meta.get("categories")):
        if tag.lower() not in {seen.lower() for seen in tags}:
            tags.append(tag)
    mapped.update(
        title=str(meta.get("title") or "").strip(),
        slug=str(meta.get("slug") or (jekyll.group(4) if jekyll else stem)).strip(),
        dek=next((str(meta[key]).strip() for key in DEK_KEYS if meta.get(key)), ""),
        tags=tags,
        draft=meta.get("draft") is True or meta.get("published") is False,
    )
    if date is not None:
        mapped["date"] = _date(date, name)
    return mapped


def _old_paths(meta):
    paths = []
    for key in OLD_PATH_KEYS:
        for path in _list(meta.get(key)) if key in ("aliases", "redirect_from") else [meta.get(key)]:
            if isinstance(path, str) and path.startswith("/") and path not in paths:
                paths.append(path)
    return paths
