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
# The folders under the project's root that draw pages: its Python packages
# (the apps and config) and the project's templates and translations; not
# the tools', the tests' or anything else a deployment keeps there.
PROJECT_FOLDERS = {"templates", "locale"}
NOT_SERVED = {"tests", "bench", "__pycache__"}
MANIFEST = "staticfiles.json"


def fingerprint(base_dir, static_root=None):
    """A hex digest of the files under ``base_dir`` that draw pages, and of the static manifest."""
    digest = hashlib.sha256()
    files = sorted(Path(base_dir).glob("*.py"))
    roots = [
        folder
        for folder in sorted(Path(base_dir).iterdir())
        if folder.is_dir()
        and folder.name not in NOT_SERVED
        and (folder.name in PROJECT_FOLDERS or (folder / "__init__.py").exists())
    ]
    for root in roots:
        for folder, subfolders, names in os.walk(root):
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
