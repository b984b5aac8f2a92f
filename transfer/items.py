"""
The one shape every importer produces, whatever it reads: an ``Item`` per
post (its fields checked by the seed loader's own rules, ``blog.seeds``),
with the comments that become counterpoints and the old addresses that
become redirects. ``transfer.services.save_item`` is the one writer.
"""

import datetime
from dataclasses import dataclass, field

from blog.seeds import Seed, SeedError, seed_from_meta


class ItemError(ValueError):
    """One item of an export cannot be imported; ``name`` says which (with its line where known)."""

    def __init__(self, name, problem):
        super().__init__(f"{name}: {problem}")
        self.name = name


@dataclass
class Comment:
    author_name: str
    body: str  # Markdown
    submitted_at: datetime.datetime
    author_email: str = ""
    author_website: str = ""
    approved: bool = True


@dataclass
class Item:
    source_id: str
    name: str  # how reports name it: a file, or an item with its line
    seed: Seed
    author: str = ""  # a user name of this site, if one matches
    comments: list[Comment] = field(default_factory=list)
    old_paths: list[str] = field(default_factory=list)


def make_item(*, source_id, name, meta, body, **extra):
    """An Item from front-matter-like ``meta`` and a Markdown ``body``, or ItemError naming it."""
    try:
        seed = seed_from_meta(meta, body)
    except SeedError as error:
        raise ItemError(name, error) from None
    return Item(source_id=source_id, name=name, seed=seed, **extra)
