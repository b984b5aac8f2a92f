"""What the post page says about its counterpoints as a whole."""

from django import template
from django.utils.translation import ngettext, ngettext_lazy

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
