"""
Seed posts: Markdown files with TOML front matter between ``+++`` lines.

    +++
    title = "…"
    slug = "…"
    dek = "…"
    date = 2025-01-28T09:00:00Z
    tags = ["ai", "llm"]

    [[hindsight]]
    verdict = "nailed it"
    decided = 2025-09-14T12:00:00Z
    note = "…"
    +++

    The body, in Markdown.
"""

import datetime
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from taggit.models import Tag

from .models import Hindsight, Post, Verdict

REQUIRED = ("title", "date")
KNOWN = {
    *("title", "slug", "dek", "date", "tags", "hindsight", "draft"),
    *("check_back_by", "counterpoints_open", "cover", "cover_alt"),
}


class SeedError(ValueError):
    """A seed file that cannot be loaded; the message says why."""


@dataclass(frozen=True)
class FrontMatter:
    """
    A front-matter key another app reads and stores (claims reads ``[[claims]]``).

    ``parse(value, to_datetime)``: the key's value (None when the file has
    none) checked and made ready to store; raises ValueError with a message.
    ``to_datetime(value, key)`` is the loader's own date reader.
    ``load(post, parsed)``: store it on the saved post; True if that changed anything.
    """

    parse: Callable
    load: Callable


_front_matter = {}


def register_front_matter(key, handler):
    """Let ``key`` in front matter be read by ``handler`` (from an ``AppConfig.ready()``)."""
    _front_matter[key] = handler


@dataclass
class Seed:
    slug: str
    title: str
    dek: str
    published_at: datetime.datetime
    body: str
    draft: bool = False
    tags: list = field(default_factory=list)
    verdicts: list = field(default_factory=list)  # (verdict, decided_at, note)
    check_back_by: datetime.date | None = None
    counterpoints_open: bool = True
    cover: str = ""  # a file in media storage, as export_site writes it
    cover_alt: str = ""
    extra: dict = field(default_factory=dict)  # a registered front-matter key: what its parse() made


def _verdict(value):
    # Seed files are written in English ("nailed it"), whatever language the site speaks.
    with translation.override("en"):
        for choice in Verdict:
            if value in (choice.value, str(choice.label)):
                return choice
        labels = ", ".join(f'"{label}"' for label in Verdict.labels)
    raise SeedError(f'unknown verdict "{value}" (expected one of {labels})')


def _datetime(value, key):
    if isinstance(value, datetime.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    elif isinstance(value, datetime.date):
        value = datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    else:
        raise SeedError(f"{key} must be a TOML date or date-time, not {value!r}")
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise SeedError(f"{key} {value.isoformat()} is out of range") from None


def _string(meta, key, default=""):
    value = meta.get(key, default)
    if not isinstance(value, str):
        raise SeedError(f"{key} must be a string, not {value!r}")
    if "\x00" in value:
        raise SeedError(f"{key} contains a NUL character")
    return value.strip()


def parse_seed(text):
    """Parse one seed file's text into a Seed, or raise SeedError."""
    meta, body = split_front_matter(text)
    unknown = sorted(set(meta) - KNOWN - set(_front_matter))
    if unknown:
        raise SeedError(f"unknown front matter key(s): {', '.join(unknown)}")
    return seed_from_meta(meta, body)


def split_front_matter(text):
    """The TOML front matter of a seed file as a dict, and the text after it."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        # Not text, and PostgreSQL refuses it in a text column.
        raise SeedError("the file contains a NUL character")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        raise SeedError("front matter missing: the file must start with a line '+++'")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "+++")
    except StopIteration:
        raise SeedError("front matter is not closed by a second '+++' line") from None
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise SeedError(f"front matter is not valid TOML: {error}") from None
    except RecursionError:
        raise SeedError("front matter is nested too deeply") from None
    return meta, "\n".join(lines[end + 1 :])


def seed_from_meta(meta, body):
    """
    Check front matter already read into a dict (TOML here, YAML or a foreign
    export in transfer/) and the body, and make the Seed, or raise SeedError.
    """
    if "\x00" in body:
        raise SeedError("the body contains a NUL character")
    missing = [key for key in REQUIRED if key not in meta]
    if missing:
        raise SeedError(f"front matter lacks {', '.join(missing)}")
    title = _string(meta, "title")
    slug = _string(meta, "slug") or slugify(title)
    if not title or not slug or slug != slugify(slug):
        raise SeedError(f"title and slug must be non-empty and the slug a valid slug (got {slug!r})")
    dek = _string(meta, "dek")
    for name, value in (("title", title), ("slug", slug), ("dek", dek)):
        limit = Post._meta.get_field(name).max_length
        if len(value) > limit:
            raise SeedError(f"{name} is longer than {limit} characters")
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
        raise SeedError("tags must be a list of non-empty strings")
    tag_limit = Tag._meta.get_field("name").max_length
    if any(len(tag.strip()) > tag_limit for tag in tags):
        raise SeedError(f"tag names must be at most {tag_limit} characters")
    verdicts = meta.get("hindsight", [])
    if not isinstance(verdicts, list) or not all(isinstance(v, dict) for v in verdicts):
        raise SeedError("hindsight must be a list of [[hindsight]] tables")
    check_back_by = meta.get("check_back_by")
    if check_back_by is not None and (
        not isinstance(check_back_by, datetime.date) or isinstance(check_back_by, datetime.datetime)
    ):
        raise SeedError(f"check_back_by must be a TOML date, not {check_back_by!r}")
    counterpoints_open = meta.get("counterpoints_open", True)
    if not isinstance(counterpoints_open, bool):
        raise SeedError("counterpoints_open must be true or false")
    cover, cover_alt = _string(meta, "cover"), _string(meta, "cover_alt")
    if cover and (cover.startswith("/") or ".." in cover.split("/")):
        raise SeedError(f"cover must be a path inside the media folder, not {cover!r}")
    extra = {}
    for key, handler in _front_matter.items():
        try:
            extra[key] = handler.parse(meta.get(key), _datetime)
        except ValueError as error:
            raise SeedError(str(error)) from None
    body = "\n".join(body.splitlines()).strip()
    if not body:
        raise SeedError("the body is empty")
    return Seed(
        slug=slug,
        title=title,
        dek=dek,
        published_at=_datetime(meta["date"], "date"),
        body=body + "\n",
        draft=meta.get("draft", False) is True,
        tags=[tag.strip() for tag in tags],
        verdicts=[
            (
                _verdict(_string(v, "verdict")),
                _datetime(v.get("decided", meta["date"]), "hindsight.decided"),
                _string(v, "note"),
            )
            for v in verdicts
        ],
        check_back_by=check_back_by,
        counterpoints_open=counterpoints_open,
        cover=cover,
        cover_alt=cover_alt,
        extra=extra,
    )


@transaction.atomic
def upsert_seed(seed):
    """Create or update the post for ``seed``; returns "created", "updated" or "unchanged"."""
    fields = {
        "title": seed.title,
        "dek": seed.dek,
        "body": seed.body,
        "published_at": seed.published_at,
        "status": Post.Status.DRAFT if seed.draft else Post.Status.PUBLISHED,
        "check_back_by": seed.check_back_by,
        "counterpoints_open": seed.counterpoints_open,
        "cover_image": seed.cover,
        "cover_alt": seed.cover_alt,
    }
    post = Post.objects.filter(slug=seed.slug).first()
    if post is None:
        post = Post.objects.create(slug=seed.slug, **fields)
        outcome = "created"
    else:
        changed = {name: value for name, value in fields.items() if getattr(post, name) != value}
        for name, value in changed.items():
            setattr(post, name, value)
        if changed:
            post.save()
        outcome = "updated" if changed else "unchanged"

    if sorted(tag.name.lower() for tag in post.tags.all()) != sorted(t.lower() for t in seed.tags):
        post.tags.set(seed.tags)
        outcome = "updated" if outcome == "unchanged" else outcome

    # Verdicts are public history and never rewritten (issue 7): a verdict
    # the post already has (same verdict, same time) is left as it is, even
    # if its note changed in the file; only new ones are added. The loader
    # sends no mail: readers hear of verdicts given in the admin.
    existing = set(post.hindsights.values_list("verdict", "decided_at"))
    for verdict, decided_at, note in seed.verdicts:
        if (verdict.value, decided_at) not in existing:
            Hindsight.objects.create(post=post, verdict=verdict, decided_at=decided_at, note=note)
            existing.add((verdict.value, decided_at))
            outcome = "updated" if outcome == "unchanged" else outcome
    for key, handler in _front_matter.items():
        if key in seed.extra and handler.load(post, seed.extra[key]):
            outcome = "updated" if outcome == "unchanged" else outcome
    return outcome
