"""Taking a reader's counterpoint: POST, then redirect back to the post."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from blog.views import post_page_queryset, render_post_page

from . import antispam, services
from .forms import CounterpointForm

AWAITS_REVIEW = "Thank you: your counterpoint awaits review. It shows up here once a moderator approves it."
ALREADY_SENT = "We already have this counterpoint, so it was not sent twice."


@require_POST
def submit_counterpoint(request, slug):
    post = get_object_or_404(post_page_queryset(request.user).published(), slug=slug)
    if not post.counterpoints_open:
        return _refuse_closed(request, post)

    ip = antispam.client_ip(request)
    flood = antispam.take_submission_slot(ip)
    if not flood.allowed:
        response = render(
            request,
            "counterpoints/flood.html",
            {
                "post": post,
                "body": request.POST.get("body", ""),
                "retry_minutes": -(-flood.retry_after // 60),
            },
            status=429,
        )
        response["Retry-After"] = str(flood.retry_after)
        return response

    form = CounterpointForm(request.POST, post=post)
    if not form.is_valid():
        form.refresh_token()
        return render_post_page(request, post, counterpoint_form=form, status=400)

    try:
        submission = services.submit_counterpoint(
            post=post,
            **form.submission(),
            ip_address=ip,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except services.CounterpointsClosed:
        # Closed between loading the post and saving it (an edit in the admin).
        return _refuse_closed(request, post)
    if submission.created:
        messages.success(request, AWAITS_REVIEW)
    else:
        messages.info(request, ALREADY_SENT)
    return redirect(post.get_absolute_url() + "#counterpoints")


def _refuse_closed(request, post):
    """The page says the post is closed; the bound form hands the reader's text back."""
    form = CounterpointForm(request.POST, post=post)
    return render_post_page(request, post, counterpoint_form=form, status=403)
