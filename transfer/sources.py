"""What ``import_posts`` was given, recognised from the file or folder itself."""

from pathlib import Path

from .ghost import read_ghost
from .markdown_folder import read_folder
from .wordpress import read_wxr

SITE_EXPORT_MARKER = "counterpoints.jsonl"


def kind_of(path):
    """'wordpress', 'ghost', 'site' (our own export_site folder) or 'markdown' (a folder); None if unknown."""
    path = Path(path)
    if path.is_dir():
        return "site" if (path / SITE_EXPORT_MARKER).is_file() and (path / "posts").is_dir() else "markdown"
    if not path.is_file():
        return None
    with path.open("rb") as file:
        start = file.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{"):
        return "ghost"
    if start.startswith(b"<") and b"<rss" in start and b"wordpress.org/export" in start:
        return "wordpress"
    return None


def read_items(path, kind, *, include_pending=False):
    """Yield Items (or ItemErrors) from ``path``; the file stays open only while they are read."""
    path = Path(path)
    if kind == "wordpress":
        with path.open("rb") as file:
            yield from read_wxr(file, include_pending=include_pending)
    elif kind == "ghost":
        with path.open("rb") as file:
            yield from read_ghost(file)
    elif kind == "site":
        yield from read_folder(path / "posts")
    else:
        yield from read_folder(path)
