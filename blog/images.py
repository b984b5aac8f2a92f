"""
Image checks and re-encoding: what every uploaded picture goes through,
whether it arrives through the editor's drag-and-drop (blog/admin_views.py)
or as a post's cover image (blog/forms.py, and the model's validator here).

django-markdownx's own upload view trusts the content type the browser
declares, keeps the extension of the client's file name, lets ``<svg
onload>`` through its SVG check, and answers a corrupt image or a
decompression bomb with a 500. Here every upload is judged by its bytes:

- Pillow identifies it, restricted to JPEG, PNG, GIF and WebP (no SVG, no
  HTML, no formats a browser would not display);
- the declared content type and the file name's extension, when they name
  an image format, must agree with the bytes, or the file is refused;
- the size (``MARKDOWNX_UPLOAD_MAX_SIZE``), the frame count
  (``UPLOAD_MAX_FRAMES``) and the pixel count (``UPLOAD_MAX_PIXELS``, all
  frames of an animation together) are checked before any pixel is
  decoded, so a small file that declares a huge canvas (a decompression
  bomb) or a GIF of a hundred thousand tiny frames costs next to nothing;
- the whole image is then decoded (a truncated file is refused) and
  re-encoded in its own format, which drops EXIF (GPS, camera serials), XMP,
  comments and anything appended to the file, and bakes the EXIF rotation
  into the pixels; animated GIF, WebP and PNG stay animated;
- the stored name is chosen here (a UUID and the detected format's
  extension), never taken from the client.

Every refusal is a ``ValidationError`` with a message written for the
author; the upload view turns it into a 4xx JSON answer, never a 500.
"""

import datetime
import html
import io
import logging
import math
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from PIL import Image, ImageOps, ImageSequence

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageFormat:
    name: str
    extension: str
    content_type: str
    content_types: frozenset  # what browsers and Django call it
    extensions: frozenset


FORMATS = {
    fmt.name: fmt
    for fmt in [
        # Pillow calls a JPEG with a multi-picture extension (most phone
        # photos) "MPO", and Django's ImageField then says "image/mpo".
        ImageFormat(
            "JPEG", "jpg", "image/jpeg",
            frozenset({"image/jpeg", "image/jpg", "image/pjpeg", "image/mpo"}),
            frozenset({"jpg", "jpeg", "jpe", "jfif", "mpo"}),
        ),
        ImageFormat("PNG", "png", "image/png", frozenset({"image/png", "image/x-png"}), frozenset({"png"})),
        ImageFormat("GIF", "gif", "image/gif", frozenset({"image/gif"}), frozenset({"gif"})),
        ImageFormat("WEBP", "webp", "image/webp", frozenset({"image/webp"}), frozenset({"webp"})),
    ]
}  # fmt: skip
ACCEPTED = "JPEG, PNG, GIF or WebP"
# A client that does not know the type says so; that is not a mismatch.
UNKNOWN_CONTENT_TYPES = {"", "application/octet-stream"}
JPEG_QUALITY = 85
# Renditions of a still image, in pixels wide: a phone, a phone at 2x or a
# laptop, a large screen at 2x. Nothing wider is served.
RENDITION_WIDTHS = (480, 960, 1600)
WEBP_QUALITY = 85


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed every check, decoded; ``image`` is positioned on frame 0."""

    image: Image.Image
    format: ImageFormat
    frames: int


@dataclass(frozen=True)
class CleanImage:
    """The re-encoded bytes of an upload and the name the server chose for them."""

    content: bytes
    format: ImageFormat
    width: int
    height: int
    name: str


def _megabytes(size):
    if size < 1024 * 1024:
        return f"{math.ceil(size / 1024)} kB"
    return f"{formats.number_format(size / (1024 * 1024), 1)} MB"


def _megapixels(pixels):
    if pixels < 100_000:
        count = formats.number_format(pixels, force_grouping=True)
        return ngettext("%(count)s pixel", "%(count)s pixels", pixels) % {"count": count}
    return gettext("%(count)s megapixels") % {"count": formats.number_format(pixels / 1_000_000, 1)}


def _read(upload):
    """The upload's bytes, refusing an oversize or empty file before reading it."""
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            gettext("The file is %(size)s; images are limited to %(limit)s.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise ValidationError(
            gettext("The file is larger than %(limit)s.") % {"limit": _megabytes(limit)}, code="too_large"
        )
    if not data:
        raise ValidationError(gettext("The file is empty."), code="empty")
    return data


def _check_declared_type(upload, fmt):
    """The bytes decide; a declared type or extension that disagrees is refused, not corrected."""
    declared = (getattr(upload, "content_type", None) or "").split(";")[0].strip().lower()
    if declared not in UNKNOWN_CONTENT_TYPES and declared not in fmt.content_types:
        raise ValidationError(
            gettext(
                "The file's contents are a %(format)s image but it was sent as %(declared)s. "
                "Save it with the right extension and try again."
            )
            % {"format": fmt.name, "declared": declared},
            code="type_mismatch",
        )
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    named = next((other for other in FORMATS.values() if extension in other.extensions), None)
    if named is not None and named is not fmt:
        raise ValidationError(
            gettext(
                "The file's contents are a %(format)s image but its name ends in .%(extension)s. "
                "Save it with the right extension and try again."
            )
            % {"format": fmt.name, "extension": extension},
            code="type_mismatch",
        )


def _refuse_unreadable(error):
    logger.info("Refused an image upload that Pillow could not read: %r", error)
    return ValidationError(
        gettext("The image is damaged or incomplete (truncated?) and could not be read."), code="corrupt"
    )


def _pixel_limit_error(width, height, frames, limit):
    values = {
        "width": width,
        "height": height,
        "frames": frames,
        "total": _megapixels(width * height * frames),
        "limit": _megapixels(limit),
    }
    if frames > 1:
        message = gettext(
            "The image is %(width)d×%(height)d pixels across %(frames)d frames (%(total)s); "
            "the limit is %(limit)s."
        )
    else:
        message = gettext("The image is %(width)d×%(height)d pixels (%(total)s); the limit is %(limit)s.")
    return ValidationError(
        message % values,
        code="too_many_pixels",
    )


def _count_frames(image):
    """
    The number of frames, refusing more than ``UPLOAD_MAX_FRAMES`` without
    walking past the limit: a GIF's frame count is only known by reading
    every frame header, and a 2 MB file can hold 100,000 of them.
    """
    if image.format == "MPO" or not getattr(image, "is_animated", False):
        return 1
    limit = settings.UPLOAD_MAX_FRAMES
    try:
        image.seek(limit)  # frame ``limit`` is the one too many
    except EOFError:
        frames = image.n_frames
        image.seek(0)
        return frames
    raise ValidationError(
        gettext("The animation has more than %(limit)s frames; the limit is %(limit)s.")
        % {"limit": formats.number_format(limit, force_grouping=True)},
        code="too_many_frames",
    )


def check_image(upload):
    """
    Identify, check and fully decode an uploaded image; return a CheckedImage.

    Raises ValidationError (with a ``code``) for anything that is not a
    JPEG, PNG, GIF or WebP image within the limits, whose bytes disagree with
    its declared type, or that cannot be decoded.
    """
    data = _read(upload)
    limit = settings.UPLOAD_MAX_PIXELS
    try:
        # Pillow's own bomb check (Image.MAX_IMAGE_PIXELS, a process-wide
        # global) warns at ~89 MP and raises at ~179 MP inside open(); ours is
        # stricter and checked below from the header, before decoding.
        # Pillow raises many exception types on hostile bytes; every one of
        # them means "this file cannot be read", which is the client's problem.
        image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except Image.UnidentifiedImageError:
        raise ValidationError(
            gettext("This file is not a %(accepted)s image. (SVG and other formats are not accepted.)")
            % {"accepted": ACCEPTED},
            code="unsupported_type",
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning arrives as an exception only where warnings are errors.
        raise ValidationError(
            gettext(
                "The image declares a canvas far larger than %(limit)s "
                "(a possible decompression bomb) and was not decoded."
            )
            % {"limit": _megapixels(limit)},
            code="too_many_pixels",
        ) from None
    except Exception as error:
        raise _refuse_unreadable(error) from None

    fmt = FORMATS["JPEG"] if image.format == "MPO" else FORMATS[image.format]
    _check_declared_type(upload, fmt)

    width, height = image.size
    if width * height > limit:
        raise _pixel_limit_error(width, height, 1, limit)
    try:
        frames = _count_frames(image)
        if width * height * frames > limit:
            raise _pixel_limit_error(width, height, frames, limit)
        if image.format == "PNG":
            # verify() checks every chunk's CRC and that the file ends; it
            # leaves the image unusable, so decode a fresh one afterwards.
            image.verify()
            image = Image.open(io.BytesIO(data), formats=["PNG"])
        for frame in range(frames):
            image.seek(frame)
            image.load()
        image.seek(0)
        image.load()
    except ValidationError:
        raise
    except Exception as error:
        raise _refuse_unreadable(error) from None
    return CheckedImage(image=image, format=fmt, frames=frames)


def _reencode(checked):
    """Fresh bytes in the detected format: pixels, timing and colour profile, nothing else."""
    image, fmt = checked.image, checked.format
    out = io.BytesIO()
    icc_profile = image.info.get("icc_profile")
    quality = {"JPEG": JPEG_QUALITY, "WEBP": WEBP_QUALITY}
    if checked.frames > 1:
        # Animated GIF, WebP or PNG stays animated, frame timing kept. (The
        # writers take EXIF/XMP only when asked; comment= overrides the GIF
        # comment they would copy from the first frame.)
        durations = []
        for frame in ImageSequence.Iterator(image):
            frame.load()  # WebP sets a frame's duration when it decodes it
            durations.append(frame.info.get("duration", 100))
        image.seek(0)
        options = {"save_all": True, "duration": durations}
        if "loop" in image.info or fmt.name == "WEBP":
            options["loop"] = image.info.get("loop", 0)
        if fmt.name == "GIF":
            options["comment"] = b""
        else:
            options["icc_profile"] = icc_profile
        if fmt.name in quality:
            options["quality"] = quality[fmt.name]
        image.save(out, fmt.name, **options)
        return out.getvalue()

    # Turn the picture the way its EXIF says, since the EXIF goes.
    frame = ImageOps.exif_transpose(image)
    # Keep only what the pixels need; EXIF, XMP, comments and text chunks go.
    frame.info = {key: value for key, value in frame.info.items() if key == "transparency"}
    if fmt.name == "JPEG" and frame.mode not in ("RGB", "L"):
        frame = frame.convert("RGB")
    elif fmt.name == "PNG" and frame.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
        frame = frame.convert("RGBA")
    options = {"comment": b""} if fmt.name == "GIF" else {"icc_profile": icc_profile}
    if fmt.name in quality:
        options["quality"] = quality[fmt.name]
    if fmt.name == "JPEG":
        options["optimize"] = True
    frame.save(out, fmt.name, **options)
    return out.getvalue()


def process_image(upload):
    """Check an uploaded image (see check_image) and re-encode it; return a CleanImage."""
    checked = check_image(upload)
    width, height = checked.image.size
    try:
        content = _reencode(checked)
    except Exception:
        # Fuzzing found decodable files that Pillow's writers choke on (an
        # assertion in the GIF palette code, a WebP canvas over 16383 pixels).
        logger.warning("Could not re-encode an uploaded %s image", checked.format.name, exc_info=True)
        raise ValidationError(
            gettext("The image could be read but not re-encoded; it is probably damaged."), code="corrupt"
        ) from None
    return CleanImage(
        content=content,
        format=checked.format,
        width=width,
        height=height,
        name=f"{uuid.uuid4().hex}.{checked.format.extension}",
    )


def save_image(clean, *, folder=None):
    """
    Store a CleanImage under a server-chosen name, with its renditions; return its URL.

    A still image is stored as ``<uuid>_<width>x<height>.<ext>`` beside
    narrower renditions (see ``rendition_name``), so the page can be given a
    ``srcset`` and its size from the name alone: no lookup, no storage call,
    the same on S3 as on disk. An animation is stored as it is (resizing
    would cost a decode of every frame) under ``<uuid>.<ext>``.
    """
    folder = (folder or settings.MARKDOWNX_MEDIA_PATH).strip("/")
    path = f"{folder}/{datetime.date.today():%Y/%m}/{named_with_size(clean)}"
    saved = default_storage.save(path, io.BytesIO(clean.content))
    save_renditions(saved, clean.content)
    return default_storage.url(saved)


def named_with_size(clean):
    """The name to store a CleanImage under: ``<uuid>_<w>x<h>.<ext>`` for a still image."""
    with Image.open(io.BytesIO(clean.content)) as image:
        if getattr(image, "is_animated", False):
            return clean.name
        return f"{PurePath(clean.name).stem}_{image.width}x{image.height}.{clean.format.extension}"


def save_renditions(path, content):
    """Store the renditions of the still image stored at ``path`` (a name from named_with_size)."""
    stored = PurePath(path)
    if not _SIZED_STEM.fullmatch(stored.stem):
        return
    fmt = next(fmt for fmt in FORMATS.values() if fmt.extension == stored.suffix.lstrip("."))
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        for width, out_format, data in _renditions(image, fmt):
            name = rendition_name(stored.stem, width, out_format.extension)
            default_storage.save(str(stored.with_name(name)), io.BytesIO(data))


def rendition_widths(width):
    """The widths an image ``width`` pixels wide is served at: the standard ones below, its own (capped)."""
    return sorted({w for w in RENDITION_WIDTHS if w < width} | {min(width, RENDITION_WIDTHS[-1])})


def rendition_name(stem, width, extension):
    return f"{stem}-{width}w.{extension}"


def _renditions(image, fmt):
    """(width, format, bytes) for each rendition: WebP at every width, the original format below full size."""
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or "A" in image.mode else "RGB")
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        full_size = width == image.width
        formats = [FORMATS["WEBP"]] if not (full_size and fmt.name == "WEBP") else []
        formats += [fmt] if not full_size and fmt.name != "WEBP" else []
        for out_format in formats:
            out = io.BytesIO()
            frame = resized.convert("RGB") if out_format.name == "JPEG" else resized
            options = {"quality": WEBP_QUALITY if out_format.name == "WEBP" else JPEG_QUALITY}
            frame.save(out, out_format.name, **options if out_format.name in ("WEBP", "JPEG") else {})
            yield width, out_format, out.getvalue()


# Images in a post's body, after rendering.

_SIZED_STEM = re.compile(r"[0-9a-f]{32}_\d+x\d+")
_UPLOADED = re.compile(
    r"(?P<prefix>.*/)(?P<stem>[0-9a-f]{32}_(?P<width>\d+)x(?P<height>\d+))\.(?P<ext>jpg|png|gif|webp)"
)
# The article column: the full width on a phone (less the page's gutters), 40rem beyond.
IMAGE_SIZES = "(max-width: 42.5rem) calc(100vw - 2.5rem), 40rem"


def responsive_images(body_html):
    """
    Give every uploaded image in rendered HTML its renditions: a ``<picture>``
    with a WebP ``srcset``, the original format's ``srcset`` on the
    ``<img>``, ``width``/``height`` (so nothing shifts as it loads) and
    ``loading="lazy"`` after the first image. Runs after sanitising, on
    addresses and numbers parsed from our own file names.
    """
    position = 0

    def rewrite(match):
        nonlocal position
        position += 1
        attributes = dict(_ATTRIBUTE.findall(match[0]))
        found = _UPLOADED.fullmatch(html.unescape(attributes.get("src", "")))
        if found is None:
            return match[0]
        full_width, full_height = int(found["width"]), int(found["height"])
        widths = rendition_widths(full_width)
        base = f"{found['prefix']}{found['stem']}"

        def url(width, extension):
            if width == full_width and extension == found["ext"]:
                return f"{base}.{extension}"
            return f"{found['prefix']}{rendition_name(found['stem'], width, extension)}"

        webp = ", ".join(f"{url(w, 'webp')} {w}w" for w in widths)
        original = ", ".join(f"{url(w, found['ext'])} {w}w" for w in widths)
        largest = widths[-1]
        img = format_html(
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{} decoding="async">',
            url(largest, found["ext"]),
            original,
            IMAGE_SIZES,
            largest,
            max(1, round(full_height * largest / full_width)),
            html.unescape(attributes.get("alt", "")),
            format_html(' title="{}"', html.unescape(attributes["title"])) if "title" in attributes else "",
            mark_safe(' loading="lazy"') if position > 1 else "",
        )
        source = format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, IMAGE_SIZES)
        return f"<picture>{source}{img}</picture>"

    return _IMG.sub(rewrite, body_html)


# The cover image on Post.


class ReencodedImage(SimpleUploadedFile):
    """An upload this module already checked and re-encoded (validate_image_upload skips it)."""


def validate_image_upload(value):
    """
    Model-field validator: the same checks as the editor's uploads.

    Only a new upload is checked; a file already in storage passed when it
    was uploaded.
    """
    if isinstance(value, FieldFile):
        if not value or value._committed:
            return
        value = value.file
    if not isinstance(value, ReencodedImage):
        check_image(value)


# Images in a post's body.

IMAGE_PLACEHOLDER = "describe the image"
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def images_missing_alt(body_html):
    """
    The addresses of images in rendered (sanitised) HTML whose alt text is
    empty or still the editor's placeholder.
    """
    missing = []
    for tag in _IMG.findall(body_html):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("alt", "").strip().lower() in ("", IMAGE_PLACEHOLDER):
            missing.append(html.unescape(attributes.get("src", "")))
    return missing


def card_image(image_field, alt):
    """
    A small ``<img>`` for a list card: the narrowest rendition of an image
    stored by save_image (or the file itself), with its size; empty without one.
    """
    if not image_field:
        return ""
    url = image_field.url
    found = _UPLOADED.fullmatch(url)
    if found is None:
        return format_html('<img class="card-image" src="{}" alt="{}" loading="lazy">', url, alt)
    width = rendition_widths(int(found["width"]))[0]
    height = max(1, round(int(found["height"]) * width / int(found["width"])))
    src = (
        url
        if width == int(found["width"]) and found["ext"] == "webp"
        else (f"{found['prefix']}{rendition_name(found['stem'], width, 'webp')}")
    )
    return format_html(
        '<img class="card-image" src="{}" width="{}" height="{}" alt="{}" loading="lazy" decoding="async">',
        src,
        width,
        height,
        alt,
    )


def picture(image_field, alt):
    """The full ``<picture>`` for an image stored by save_image (a cover), as in a post's body."""
    if not image_field:
        return ""
    return mark_safe(responsive_images(format_html('<img src="{}" alt="{}">', image_field.url, alt)))  # noqa: S308
