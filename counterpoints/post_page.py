"""
The counterpoints section of the post page (registered with
``blog.sections`` in ``CounterpointsConfig.ready()``): the approved
counterpoints, who a verdict credits, and the form, whose per-visitor values
(CSRF token, signed timestamp) the page cache fills in for each visitor.
"""

from functools import partial
from typing import NamedTuple

from django.db.models import Prefetch
from django.utils.functional import SimpleLazyObject

from core.caching import csrf_token, filling_page_cache, per_visitor

from . import antispam
from .forms import CounterpointForm
from .models import Counterpoint


def counterpoints_section(request, post, context):
    """
    The section's context: ``counterpoints``, ``counterpoint_form`` (the one
    in ``context`` if the counterpoint view re-renders the page with a bound
    form: ``counterpoint_form_sent``), in a page stored for every reader the
    placeholders ``csrf_token`` and ``counterpoint_issued``, and the page's
    ``verdicts`` with the approved counterpoints they credit.
    """
    sent = context.get("counterpoint_form")  # bound: the reader's rejected or previewed form
    approved = Counterpoint.objects.approved()
    section = {
        # Lazy, as the empty form is: neither is built when the page's stored
        # parts show them (blog/parts.py).
        "counterpoints": SimpleLazyObject(
            lambda: approved.for_post_page(post).select_related("forecast__claim")
        ),
        "counterpoint_form_sent": sent is not None,
    }
    if "verdicts" in context:
        # Credits unordered (the template sorts the few there are): with an
        # ORDER BY, SQLite walks every approved counterpoint to find them.
        credited = Prefetch("credited", queryset=approved.order_by())
        section["verdicts"] = context["verdicts"].prefetch_related(credited)
    if sent is not None:
        section["counterpoint_form"] = sent
    elif filling_page_cache(request):
        section["csrf_token"] = per_visitor(request, csrf_token)
        # Issued when this visitor gets the page, not when it was stored:
        # the form's too-fast and too-old checks keep their meaning.
        section["counterpoint_issued"] = issued = per_visitor(request, partial(form_token, post.pk))
        section["counterpoint_form"] = SimpleLazyObject(lambda: CounterpointForm(post=post, issued=issued))
    else:
        section["counterpoint_form"] = SimpleLazyObject(lambda: CounterpointForm(post=post))
    return section


class _PostRef(NamedTuple):
    """All a form token needs of its post, without building a model instance on every cache hit."""

    pk: int


def form_token(post_pk, request):
    """A fresh signed form timestamp for the post ``post_pk`` (module-level: stored pages pickle it)."""
    return antispam.issue_token(_PostRef(post_pk))
