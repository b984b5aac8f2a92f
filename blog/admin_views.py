"""
The endpoints the admin's post editor calls (image upload, tag
suggestions; markdownx's preview is blog.views.markdown_preview), for
authors only.

django-markdownx mounts its upload and preview views for anyone; ours
answer only an active staff member who may add or change posts, so a
moderator (who reviews counterpoints) or a staff account without
permissions gets a 403 (issue 10).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST
from taggit.models import Tag

from .forms import ImageUploadForm
from .images import IMAGE_PLACEHOLDER, save_image

# The refusals that have a more precise status than 400.
STATUS_FOR_CODE = {"too_large": 413, "unsupported_type": 415}


def can_write_posts(user):
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("blog.add_post") or user.has_perm("blog.change_post"))
    )


def authors_only(view):
    """Refuse (403) anyone who could not write a post in the admin."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_write_posts(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_POST
def upload_image(request):
    """
    The editor's image upload (mounted for authors only in config/urls.py).

    Answers as markdownx's JavaScript expects: ``{"image_code": "![…](url)"}``
    on success; on refusal a 4xx with ``{"error": "<why>"}``.
    """
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        error = form.errors.as_data()["image"][0]
        message = " ".join(error.messages)
        return JsonResponse({"error": message}, status=STATUS_FOR_CODE.get(error.code, 400))
    url = save_image(form.cleaned_data["image"])
    # The editor selects the placeholder for the author to type over, and
    # saving warns while any image still has no description.
    return JsonResponse({"image_code": f"![{IMAGE_PLACEHOLDER}]({url})"})


@require_GET
def tag_suggestions(request):
    """Existing tags for the editor's tag field: ``{"tags": [names]}``, those starting with ``q`` first."""
    typed = request.GET.get("q", "").strip()[:100]
    if not typed:
        return JsonResponse({"tags": []})
    starting = list(
        Tag.objects.filter(name__istartswith=typed).order_by("name").values_list("name", flat=True)[:10]
    )
    containing = Tag.objects.filter(name__icontains=typed).exclude(name__istartswith=typed)
    rest = list(containing.order_by("name").values_list("name", flat=True)[: 10 - len(starting)])
    return JsonResponse({"tags": starting + rest})
