"""
A link-preview image per post (issue 15): 1200×630, drawn with Pillow from
the title, the dek and the current verdict, so a shared post shows what it
claimed and how that turned out. Served as a cached page: drawn once per
change of the site, not per request.
"""

import functools
import io

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from core.caching import cacheable_for_anonymous

from .models import Post, Verdict

WIDTH, HEIGHT = 1200, 630
MARGIN = 90
BACKGROUND, INK, MUTED = "#fbfaf6", "#1c1b19", "#5c574f"
VERDICT_COLOURS = {
    Verdict.NAILED_IT: "#2f6f3e",
    Verdict.PARTLY_RIGHT: "#8a6100",
    Verdict.WRONG: "#a3281b",
    Verdict.STILL_OPEN: "#3d5a8a",
}


# DejaVu (Debian's fonts-dejavu-core) covers typographic quotes, dashes and
# most scripts; Pillow's own font, the fallback, covers basic Latin only.
FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"]


@functools.cache
def _font(size):
    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _wrap(draw, text, font, width, max_lines):
    """Words into lines no wider than ``width`` pixels; an ellipsis when it runs over."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return lines


def render_card(post):
    """The PNG bytes of ``post``'s card."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    accent = VERDICT_COLOURS.get(post.current_verdict, "#8a2c0d")
    draw.rectangle([0, 0, 18, HEIGHT], fill=accent)

    y = MARGIN - 20
    draw.text((MARGIN, y), settings.SITE_NAME, font=_font(30), fill=MUTED)
    y += 70
    # The text stops above the verdict's badge, whatever the title's length.
    text_bottom = HEIGHT - MARGIN - (70 if post.current_verdict else 0)
    title_font = _font(64)
    for line in _wrap(draw, post.title, title_font, WIDTH - 2 * MARGIN, 3):
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 78
    y += 10
    room = max(0, (text_bottom - y) // 42)
    for line in _wrap(draw, post.dek, _font(32), WIDTH - 2 * MARGIN, room) if room else []:
        draw.text((MARGIN, y), line, font=_font(32), fill=MUTED)
        y += 42

    if post.current_verdict:
        label = gettext("hindsight: %(verdict)s") % {"verdict": post.get_current_verdict_display()}
        font = _font(36)
        box = draw.textbbox((0, 0), label, font=font)
        x, bottom = MARGIN, HEIGHT - MARGIN + 20
        top = bottom - (box[3] - box[1]) - 28
        draw.rounded_rectangle([x, top, x + box[2] + 40, bottom], radius=28, outline=accent, width=4)
        draw.text((x + 20, top + 10), label, font=font, fill=accent)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@cacheable_for_anonymous(query=[])
def post_card(request, slug):
    post = get_object_or_404(Post.objects.published().defer("body", "body_html"), slug=slug)
    return HttpResponse(render_card(post), content_type="image/png")
