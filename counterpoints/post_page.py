"""
The counterpoints section of the post page (registered with
``blog.sections`` in ``CounterpointsConfig.ready()``): the approved
counterpoints, who a verdict credits, and the form, whose per-visitor values
(CSRF token, signed timestamp) the page cache fills in for each visitor.
"""

from functools import partial
from typing import NamedTuple

from django.db.models import Prefetch

from core.caching import csrf_token, filling_page_cache, per_visitor

from . import antispam
from .forms import CounterpointForm
from .models import Counterpoint


def counterpoints_section(request, post, context):
    """
    The section's context: ``counterpoints``, ``counterpoint_form`` (the one
    in ``context`` if the counterpoint view re-renders the page with a bound
    form), and the page's ``verdicts`` with the approved counterpoints they credit.
    """
    form = context.get("counterpoint_form") or CounterpointForm(post=post)
    approved = Counterpoint.objects.approved()
    section = {
        "counterpoints": approved.for_post_page(post).select_related("forecast__claim"),
        "counterpoint_form": form,
    }
    if "verdicts" in context:
        # Credits unordered (the template sorts the few there are): with an
        # ORDER BY, SQLite walks every approved counterpoint to find them.
        credited = Prefetch("credited", queryset=approved.order_by())
        section["verdicts"] = context["verdicts"].prefetch_related(credited)
    if filling_page_cache(request) and not form.is_bound:
        section["csrf_token"] = per_visitor(request, csrf_token)
        # Issued when this visitor gets the page, not when it was stored:
        # the form's too-fast and too-old checks keep their meaning.
        form.initial["issued"] = per_visitor(request, partial(form_token, post.pk))
    return section


class _PostRef(NamedTuple):
    """All a form token needs of its post, without building a model instance on every cache hit."""

    pk: int


def form_token(post_pk, request):
    """A fresh signed form timestamp for the post ``post_pk`` (module-level: stored pages pickle it)."""
    return antispam.issue_token(_PostRef(post_pk))
