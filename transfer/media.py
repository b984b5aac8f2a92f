"""
``import_posts --media-dir``: images a post links to on the old site, taken
from a local copy of its uploads folder instead, put through the same checks
and re-encoding as the editor's uploads (blog/images.py), stored here, and
the links rewritten. A file is stored under the hash of its bytes, so
importing again finds it and changes nothing.
"""

import hashlib
import io
import mimetypes
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.images import process_image

IMAGE = re.compile(r"(!\[[^\]]*\]\()(\S+?)((?:\s+\"[^\"]*\")?\))")
# Where engines keep uploads: WordPress, Ghost, and plain folders.
UPLOAD_ROOTS = ("wp-content/uploads/", "content/images/", "uploads/", "images/")
FOLDER = "imports"


class MediaCopier:
    """Rewrites image links in Markdown to copies stored here; remembers what it stored and refused."""

    def __init__(self, media_dir):
        self.media_dir = Path(media_dir).resolve()
        self.stored = {}  # local file → URL here
        self.refused = []  # (file, reason)

    def localise(self, markdown):
        return IMAGE.sub(self._replace, markdown)

    def _replace(self, match):
        local = self.find(match.group(2))
        if local is None:
            return match.group(0)
        if local not in self.stored:
            try:
                self.stored[local] = self.store(local)
            except ValidationError as error:
                self.refused.append((str(local.relative_to(self.media_dir)), " ".join(error.messages)))
                self.stored[local] = None
        url = self.stored[local]
        return f"{match.group(1)}{url}{match.group(3)}" if url else match.group(0)

    def find(self, url):
        """The file under the media folder that ``url`` points at, or None."""
        path = unquote(urlsplit(url).path).lstrip("/")
        candidates = [path]
        for root in UPLOAD_ROOTS:
            if root in path:
                candidates.append(path.split(root, 1)[1])
        for candidate in candidates:
            if not candidate or ".." in PurePosixPath(candidate).parts:
                continue
            local = (self.media_dir / candidate).resolve()
            if local.is_file() and local.is_relative_to(self.media_dir):
                return local
        return None

    def store(self, local):
        data = local.read_bytes()
        declared = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        clean = process_image(SimpleUploadedFile(local.name, data, content_type=declared))
        name = f"{FOLDER}/{hashlib.sha256(data).hexdigest()[:32]}.{clean.format.extension}"
        if not default_storage.exists(name):
            name = default_storage.save(name, io.BytesIO(clean.content))
        return default_storage.url(name)
