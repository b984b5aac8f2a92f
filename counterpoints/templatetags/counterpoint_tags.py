"""What the post page says about its counterpoints as a whole, and its form."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, ngettext_lazy

from blog.templatetags.blog_tags import time_element

from ..models import AuthorResponse

register = template.Library()

# How each response reads in the count: "3 counterpoints, 1 conceded"
# (singular and plural, for languages whose participles agree in number).
RESPONSE_COUNTS = {
    AuthorResponse.CONCEDED: ngettext_lazy("%(n)d conceded", "%(n)d conceded", "n"),
    AuthorResponse.PARTLY_CONCEDED: ngettext_lazy("%(n)d partly conceded", "%(n)d partly conceded", "n"),
    AuthorResponse.ADDRESSED: ngettext_lazy(
        "%(n)d addressed in an update", "%(n)d addressed in an update", "n"
    ),
    AuthorResponse.DISAGREE: ngettext_lazy("%(n)d disputed", "%(n)d disputed", "n"),
}


@register.filter
def response_summary(counterpoints):
    """
    "2 counterpoints, 1 conceded": counted in Python over the list the page
    shows anyway (an evaluated QuerySet), so it costs no query.
    """
    counterpoints = list(counterpoints)
    if not counterpoints:
        return ""
    counts = dict.fromkeys(RESPONSE_COUNTS, 0)
    for counterpoint in counterpoints:
        if counterpoint.response in counts:
            counts[counterpoint.response] += 1
    total = len(counterpoints)
    parts = [ngettext("%(n)d counterpoint", "%(n)d counterpoints", total) % {"n": total}]
    parts += [RESPONSE_COUNTS[response] % {"n": n} for response, n in counts.items() if n]
    return ", ".join(parts)


# The empty form's fields, rendered once per process for each way they can
# look (language, help texts, widget attributes, initial values): the same for
# every reader and every post, and about a fifth of an uncached post page's
# render when drawn through Django's form templates each time (issue 11).
# Labels and choices are the form class's, fixed for a language (the key has
# both); help texts can follow settings (the body's link limit), so they are
# in the key, translated. Translating every label and choice for the key cost
# more than a millisecond a page.
_empty_fields = {}
EMPTY_FIELDS_TEMPLATE = "counterpoints/form_fields.html"
# Drawn elsewhere in the form, or different for each post or visitor: the
# honeypot, the timestamp, and the post's claims.
PER_POST_FIELDS = {"subject", "issued", "claim"}


def _fields_signature(form, template_name=EMPTY_FIELDS_TEMPLATE):
    return (
        template_name,
        get_language(),
        type(form),
        tuple(
            (
                name,
                str(field.help_text),
                field.required,
                tuple(sorted(field.widget.attrs.items())),
                form.initial.get(name, field.initial),
            )
            for name, field in form.fields.items()
            if name not in PER_POST_FIELDS
        ),
    )


@register.simple_tag
def empty_form_fields(form, template_name=EMPTY_FIELDS_TEMPLATE):
    """
    The unbound counterpoint form's visible fields (``counterpoints/form_fields.html``),
    or another part of the form that is the same for every post (``template_name``,
    rendered with ``form`` alone: e.g. the forecast's probability and record fields).
    """
    key = _fields_signature(form, template_name)
    html = _empty_fields.get(key)
    if html is None:
        if len(_empty_fields) > 32:  # a few languages and settings, never unbounded
            _empty_fields.clear()
        html = _empty_fields[key] = render_to_string(template_name, {"form": form})
    return html


def _forecast_of(counterpoint):
    try:
        return counterpoint.forecast
    except ObjectDoesNotExist:
        return None


@register.simple_tag
def counterpoint_article(counterpoint, post):
    """
    One approved counterpoint as the post page and its permalink page show it
    (``counterpoints/counterpoint.html``). Built in Python: the post page
    lists every approved counterpoint, and an include with a dozen template
    nodes per counterpoint was most of the section's render (issue 11).
    Every value is escaped by ``format_html``; ``body_html`` and
    ``reply_html`` are the sanitised HTML stored on save, as before.
    """
    if counterpoint.author_website:
        author = format_html(
            '<a href="{}" rel="nofollow ugc noopener">{}</a>',
            counterpoint.author_website,
            counterpoint.author_name,
        )
    else:
        author = conditional_escape(counterpoint.author_name)
    parts = [
        format_html(
            '<article class="counterpoint" id="counterpoint-{}">\n'
            '  <header class="counterpoint-meta">\n'
            '    <span class="counterpoint-author">{}</span>\n'
            '    <span class="stance-badge stance-{}">{}</span>\n'
            '    <a class="counterpoint-permalink" href="{}" title="{}">{}</a>\n    ',
            counterpoint.pk,
            author,
            counterpoint.stance,
            counterpoint.get_stance_display(),
            reverse("counterpoints:detail", args=[post.slug, counterpoint.pk]),
            gettext("Permanent link to this counterpoint"),
            time_element(counterpoint.submitted_at),
        )
    ]
    if counterpoint.response:
        parts.append(
            format_html(
                '<span class="response-badge response-{}">{}</span>',
                counterpoint.response,
                gettext("author: %(response)s") % {"response": counterpoint.get_response_display()},
            )
        )
    parts.append("\n    ")
    if getattr(counterpoint, "is_credited", False):
        parts.append(
            format_html('<a class="credit-mark" href="#verdict">{}</a>', gettext("credited in the verdict"))
        )
    parts.append("\n  </header>\n  ")
    if counterpoint.quote:
        parts.append(
            format_html(
                '\n    <blockquote class="counterpoint-quote"><p>{}</p></blockquote>\n  ',
                linebreaksbr(counterpoint.quote, autoescape=True),
            )
        )
    parts.append("\n  ")
    forecast = _forecast_of(counterpoint)
    if forecast:
        parts.append(render_to_string("claims/forecast.html", {"forecast": forecast}))
    body = mark_safe(counterpoint.body_html)  # noqa: S308 (sanitised by nh3 when stored)
    parts.append(format_html('\n  <div class="counterpoint-body">{}</div>\n  ', body))
    if counterpoint.reply_html:
        parts.append(
            format_html(
                '\n    <div class="author-reply">\n      <p class="author-reply-label">{}</p>\n'
                "      {}\n    </div>\n  ",
                gettext("Reply from the author"),
                mark_safe(counterpoint.reply_html),  # noqa: S308 (sanitised by nh3 when stored)
            )
        )
    parts.append("\n</article>\n")
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped or safe above)
