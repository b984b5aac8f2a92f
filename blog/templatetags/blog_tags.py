import datetime
import json

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format, localize, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from core.markup import plain_text

from ..images import card_image
from ..models import Post, Verdict
from ..parts import part_key

register = template.Library()


@register.filter
def verdict_label(value):
    """'nailed_it' → 'nailed it' (for annotated verdict values)."""
    try:
        return Verdict(value).label
    except ValueError:
        return ""


# One human form for every date a reader sees (issue 15: the meta line said
# "28 Jan 2025" and the banner "2025-09-14"): the language's DATE_FORMAT,
# "j M Y" in English (config/formats/en/formats.py).


@register.filter
def machine_time(value):
    """
    A valid ``datetime`` attribute: whole seconds with the offset, or a plain
    date. ``|date:'c'`` writes microseconds, which the HTML standard refuses
    beyond three digits (the Nu HTML Checker's error in issue 15).
    """
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def time_element(value):
    """``<time datetime="…">28 Jan 2025</time>``: the date as readers read it, and as machines do."""
    if not value:
        return ""
    shown = timezone.localtime(value) if isinstance(value, datetime.datetime) else value
    return format_html('<time datetime="{}">{}</time>', machine_time(value), date_format(shown))


@register.simple_tag
def verdict_badge(verdict):
    """The verdict as a badge, or nothing."""
    if not verdict:
        return ""
    return format_html('<span class="verdict-badge verdict-{}">{}</span>', verdict, verdict_label(verdict))


@register.simple_tag
def tag_links(tags):
    """``#tag`` links, space-separated."""
    return format_html_join(
        " ",
        '<a class="tag" href="{}">#{}</a>',
        ((reverse("blog:tag-detail", args=[t.slug]), t.name) for t in tags),
    )


@register.simple_tag
def post_card(post):
    """
    A post in a list (home, tags, archives, search, the track record's
    listings): built in Python rather than an include with three more
    inside it, since a listing draws ten of them and every search and tag
    page shows as many as it finds (issue 11: a card cost about 0.6 ms as a
    template). Expects ``Post.objects.for_listing()``: tags prefetched,
    ``approved_count`` annotated (None leaves the count out).
    """
    url = post.get_absolute_url()
    published = timezone.localtime(post.published_at)
    minutes = post.reading_minutes
    counterpoints = ""
    if post.approved_count is not None:
        counterpoints = format_html(
            '· <a class="counterpoint-count" href="{}#counterpoints">{}</a>\n    ',
            url,
            ngettext("%(counter)s counterpoint", "%(counter)s counterpoints", post.approved_count)
            % {"counter": localize(post.approved_count)},
        )
    return format_html(
        '<article class="post-card">\n  {}<h2 class="post-card-title"><a href="{}">{}</a></h2>\n  {}'
        '<p class="meta">\n    <a class="post-date" href="{}">{}</a>\n    · {}\n    {}{}\n  </p>\n'
        '  <p class="tags">{}</p>\n</article>',
        card_image(post.cover_image, post.cover_alt) if post.cover_image else "",
        url,
        post.title,
        format_html('<p class="dek">{}</p>\n  ', post.dek) if post.dek else "",
        reverse("blog:archive-month", args=[published.strftime("%Y"), published.strftime("%m")]),
        time_element(post.published_at),
        ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": localize(minutes)},
        counterpoints,
        verdict_badge(post.current_verdict),
        tag_links(post.tags.all()),
    )


@register.filter
def is_past(value):
    """True when a date has gone by (a check-back date that is overdue)."""
    return bool(value) and value < timezone.localdate()


# ClaimReview ratings: the verdicts that settle a claim, on a 1–3 scale.
CLAIM_RATINGS = {Verdict.WRONG: 1, Verdict.PARTLY_RIGHT: 2, Verdict.NAILED_IT: 3}


@register.simple_tag
def claim_review_json_ld(post, hindsight):
    """
    schema.org ClaimReview for a judged post, as a JSON-LD script block.

    The JSON is escaped as ``json_script`` does, so no text in it can close
    the element; a data block is not script, so the CSP is not involved.
    """
    url = settings.SITE_URL + post.get_absolute_url()
    author = {"@type": "Person", "name": settings.SITE_AUTHOR}
    rating = {"@type": "Rating", "alternateName": hindsight.get_verdict_display()}
    if hindsight.verdict in CLAIM_RATINGS:
        rating |= {"ratingValue": CLAIM_RATINGS[hindsight.verdict], "bestRating": 3, "worstRating": 1}
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": post.dek or post.title,
        "datePublished": hindsight.decided_at.date().isoformat(),
        "author": author,
        "reviewRating": rating,
        # Stored on save; verdicts saved before it was (or bulk-created) render it here.
        "reviewBody": hindsight.note_text or plain_text(hindsight.note),
        "itemReviewed": {
            "@type": "Claim",
            "author": author,
            "datePublished": post.published_at.date().isoformat() if post.published_at else None,
            "appearance": {"@type": "CreativeWork", "url": url, "headline": post.title},
        },
    }
    return _json_ld(data)


@register.simple_tag
def blog_posting_json_ld(post, tags):
    """
    schema.org BlogPosting for every post, judged or not (issue 15), with the
    fields search engines ask of an article: headline, image, dates, author.
    """
    url = settings.SITE_URL + post.get_absolute_url()
    if post.cover_image:
        image = post.cover_image.url
        image = image if image.startswith("http") else settings.SITE_URL + image
    else:
        image = settings.SITE_URL + reverse("blog:post-card-image", args=[post.slug])
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": post.title[:110],
        "description": post.dek or post.excerpt,
        "image": [image],
        # A draft (previewed by staff) has no publication date yet.
        "datePublished": machine_time(post.published_at or post.updated_at),
        "dateModified": machine_time(max(post.updated_at, post.published_at or post.updated_at)),
        "author": {"@type": "Person", "name": author_name(post)},
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"},
        "wordCount": post.word_count,
        "keywords": [tag.name for tag in tags],
        "inLanguage": settings.LANGUAGE_CODE,
    }
    return _json_ld(data)


def author_name(post):
    """The byline: the author's full name, their username, or the site's author."""
    return byline(post.author) if post.author else settings.SITE_AUTHOR


@register.filter
def byline(user):
    """A user as readers see them: the full name, or the username when there is none."""
    return user.get_full_name() or user.get_username()


def _json_ld(data):
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def posts_due_for_verdict(user):
    """How many posts are past their check-back date without a settled verdict (None if not staff)."""
    if not user.has_perm("blog.change_post"):
        return None
    return Post.objects.due_for_verdict().count()


@register.filter
def percent(share):
    """0.625 → '63%' ('63 %' in German: PERCENT_FORMAT in config/formats/); None (no denominator) → '—'."""
    if share is None:
        return "—"
    pattern = get_format("PERCENT_FORMAT")
    return (pattern if "{}" in pattern else "{}%").format(number_format(round(share * 100)))


class StoredPartNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        parts = context.get("stored_parts")
        if parts is None:  # not a page stored for every reader
            return self.nodelist.render(context)
        key = part_key([variable.resolve(context) for variable in self.vary_on])
        html = parts.get(self.name, key)
        if html is None:
            html = self.nodelist.render(context)
            parts.put(self.name, key, html)
        return mark_safe(html)  # noqa: S308 -- drawn by this template, escaped as it was drawn


@register.tag
def stored_part(parser, token):
    """
    ``{% stored_part name version [value…] %}…{% endstored_part %}``: the
    part of a post page as stored for every anonymous reader (blog/parts.py),
    drawn again when ``version`` or any value after it changed; drawn every
    time in a page not stored for every reader (no ``stored_parts``).
    """
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a part's name and its version at least.")
    nodelist = parser.parse(("endstored_part",))
    parser.delete_first_token()
    return StoredPartNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
