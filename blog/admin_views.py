"""
The endpoints the admin's post editor calls, for authors only.

django-markdownx mounts its upload and preview views for anyone; ours
answer only an active staff member who may add or change posts, so a
moderator (who reviews counterpoints) or a staff account without
permissions gets a 403 (issue 10).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .forms import ImageUploadForm
from .images import save_image

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

    Answers as markdownx's JavaScript expects: ``{"image_code": "![](url)"}``
    on success; on refusal a 4xx with ``{"error": "<why>"}``.
    """
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        error = form.errors.as_data()["image"][0]
        message = " ".join(error.messages)
        return JsonResponse({"error": message}, status=STATUS_FOR_CODE.get(error.code, 400))
    url = save_image(form.cleaned_data["image"])
    return JsonResponse({"image_code": f"![]({url})"})
