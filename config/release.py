"""
Which release of the site is running, as the page cache's keys carry it.

Pages and their fragments stay in a shared page cache (Redis, memcached)
across a deploy; without the release in their keys, the new code would
serve what the old templates drew, with the old stylesheets' hashed names,
until they expired, and a fragment drawn by the old templates could sit
inside a page drawn by the new ones. The fingerprint is a hash of what
draws a page: the templates, the Python code, the compiled translations
and the static files' manifest. Every app server of one release computes
the same one, so they share their pages; old and new servers in a rolling
deploy each read their own.
"""

import hashlib
import os
from pathlib import Path

DRAWN_BY = (".html", ".txt", ".xml", ".py", ".mo")
# Folders that draw no page: tools, tests, data, and the static sources (the manifest stands for them).
NOT_SERVED = {
    *(".git", ".venv", "node_modules", "__pycache__", "tests", "test-artifacts", "bench", "docs"),
    *("seeds", "var", "media", "static", "staticfiles"),
}
MANIFEST = "staticfiles.json"


def fingerprint(base_dir, static_root=None):
    """A hex digest of the files under ``base_dir`` that draw pages, and of the static manifest."""
    digest = hashlib.sha256()
    files = []
    for folder, subfolders, names in os.walk(base_dir):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_SERVED)
        files += [Path(folder) / name for name in sorted(names) if name.endswith(DRAWN_BY)]
    if static_root is not None:
        files.append(Path(static_root) / MANIFEST)
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:  # no manifest before collectstatic
            continue
        digest.update(os.path.relpath(path, base_dir).encode() + b"\0" + content + b"\0")
    return digest.hexdigest()
