"""What the pagination include (templates/includes/pagination.html) needs beyond Django's own tags."""

from django import template
from django.http import QueryDict

from core.caching import ALL_PARAMETERS, page_cache_rule

register = template.Library()


@register.simple_tag(takes_context=True)
def page_parameters(context):
    """
    The query parameters of this request that its view reads, for
    ``{% querystring %}`` to carry over to the next page's link.

    A cached page is stored once for every request that sends the same
    parameters the view reads (core/caching.py), so its links may carry only
    those: ``/?page=2&utm_source=x`` must not store a link with
    ``utm_source`` for every later reader of page 2.
    """
    request = context["request"]
    rule = page_cache_rule(request.path_info)
    read = rule and rule[0]
    if read is None or read is ALL_PARAMETERS:  # not cached, or cached by the whole query string
        return request.GET
    parameters = QueryDict(mutable=True)
    for name in read:
        if name in request.GET:
            parameters.setlist(name, request.GET.getlist(name))
    return parameters
