"""
Taking a reader's counterpoint (POST, then redirect back to the post), and
the submitter's private pages: the status of their counterpoint, reached by
the unguessable link they got after sending it, and unsubscribing from mail.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from blog.views import post_page_queryset, render_post_page
from core.markup import render_counterpoint_markdown

from . import antispam, notifications, services, trust
from .forms import CounterpointForm
from .models import Counterpoint

AWAITS_REVIEW = _(
    "Thank you: your counterpoint awaits review. It shows up here once a moderator approves it."
)
FORM_SPENT = _(
    "This form was already used to send a counterpoint. Your text is kept below: "
    "please check it and send it again."
)
PUBLISHED_AT_ONCE = _("Thank you: your counterpoint is published (you are a trusted returning reader).")
KEEP_THE_LINK = _(
    "Keep this private link to see what happens to it (it is the only way back, "
    'and it is yours alone): <a class="status-link" href="{url}">{url}</a>'
)
WILL_EMAIL = _("We will e-mail you when it is published.")
LEFT_RECORD = _("You are not in the public readers’ record: your name and scores are off the hindsight page.")


@require_POST
def submit_counterpoint(request, slug):
    post = get_object_or_404(post_page_queryset(request.user).published(), slug=slug)
    if not post.counterpoints_open:
        return _refuse_closed(request, post)

    if "preview" in request.POST:
        return _preview(request, post)

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
        return render_post_page(request, post, extra_context={"counterpoint_form": form}, status=400)

    try:
        submission = services.submit_counterpoint(
            post=post,
            **form.submission(),
            ip_address=ip,
            user_agent=request.headers.get("User-Agent", ""),
            form_token=form.cleaned_data["issued"],
            claim=form.cleaned_data["claim"],
            probability=form.cleaned_data["probability"],
        )
    except services.CounterpointsClosed:
        # Closed between loading the post and saving it (an edit in the admin).
        return _refuse_closed(request, post)
    except services.FormAlreadySent:
        form.add_error(None, FORM_SPENT)
        form.refresh_token()
        return render_post_page(request, post, extra_context={"counterpoint_form": form}, status=400)
    counterpoint = submission.counterpoint
    if counterpoint.published_without_review:
        messages.success(request, _with_status_link(PUBLISHED_AT_ONCE, counterpoint))
    else:
        # New, repeated, blocked or sent twice: the same answer (services.submit_counterpoint).
        messages.success(request, _with_status_link(AWAITS_REVIEW, counterpoint))
    # To the thank-you itself, shown at the form (issue 15): the fragment
    # scrolls it into view and focuses it, with JavaScript off too.
    return redirect(post.get_absolute_url() + "#counterpoint-sent")


def _preview(request, post):
    """
    The form's "Preview" button, which needs no JavaScript: the post page
    comes back with the reader's text kept and rendered as it would be
    published (the same pipeline as on save). Nothing is stored or counted.
    """
    form = CounterpointForm(request.POST, post=post)
    valid = form.is_valid()
    if valid:
        form.preview_html = render_counterpoint_markdown(form.cleaned_data["body"])
    form.refresh_token()
    status = 200 if valid else 400
    return render_post_page(request, post, extra_context={"counterpoint_form": form}, status=status)


def _with_status_link(text, counterpoint):
    url = settings.SITE_URL + counterpoint.get_status_url()
    message = format_html("{} {}", text, format_html(KEEP_THE_LINK, url=url))
    if (
        not counterpoint.published_without_review
        and counterpoint.author_email
        and not notifications.is_unsubscribed(counterpoint.author_email)
    ):
        message = format_html("{} {}", message, WILL_EMAIL)
    return message


def _refuse_closed(request, post):
    """The page says the post is closed; the bound form hands the reader's text back."""
    form = CounterpointForm(request.POST, post=post)
    return render_post_page(request, post, extra_context={"counterpoint_form": form}, status=403)


def _private(response):
    """The submitter's pages: never cached, never indexed, the token never sent on as a referrer."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_safe
def counterpoint_status(request, token):
    counterpoint = get_object_or_404(Counterpoint.objects.select_related("post"), status_token=token)
    context = {
        "counterpoint": counterpoint,
        "post": counterpoint.post,
        "is_published": counterpoint.status == Counterpoint.Status.APPROVED,
        "is_credited": counterpoint.credited_in.exists(),
        "will_email": bool(counterpoint.author_email)
        and not notifications.is_unsubscribed(counterpoint.author_email),
        "record_name": trust.record_name(counterpoint.author_email) if counterpoint.author_email else "",
    }
    return _private(render(request, "counterpoints/status.html", context))


# Leaving the public readers' record from the status page: the status token
# authorises it (the page sends no referrer, so no CSRF check, as below), and
# leaving only ever takes a name off the page.
@csrf_exempt
@never_cache
@require_POST
def leave_record(request, token):
    counterpoint = get_object_or_404(Counterpoint, status_token=token)
    if counterpoint.author_email:
        trust.leave_record(counterpoint.author_email)
        messages.success(request, LEFT_RECORD)
    return redirect(counterpoint.get_status_url())


# Mail providers' one-click unsubscribe (RFC 8058) POSTs here with no form
# and no cookie, so CSRF protection cannot apply; the signed token is what
# authorises the request, and it only ever unsubscribes its own address.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    email = notifications.email_from_unsubscribe_token(token)
    if email is None:
        raise Http404(gettext("This unsubscribe link is not valid."))
    if request.method == "POST":
        notifications.unsubscribe(email=email)
        done = True
    else:
        done = notifications.is_unsubscribed(email)
    return _private(render(request, "counterpoints/unsubscribe.html", {"email": email, "done": done}))


# As with unsubscribing, a GET only asks (mail scanners fetch every link);
# the button's POST confirms. The signed token is what authorises it, and
# the page's no-referrer policy makes browsers send "Origin: null", which
# Django's CSRF check refuses: so no CSRF check here, as for unsubscribing.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm_address(request, token):
    email = trust.email_from_confirmation_token(token)
    if email is None:
        raise Http404(gettext("This confirmation link is not valid, or is more than a month old."))
    if request.method == "POST":
        if request.POST.get("record") == "leave":
            trust.leave_record(email)
        else:
            trust.confirm(email)
            if request.POST.get("record") == "join":
                trust.join_record(email)
    listed_as = trust.record_name(email)
    context = {
        "email": email,
        "done": trust.is_confirmed(email),
        "in_record": bool(listed_as),
        "record_name": listed_as or trust.record_request(email),
    }
    return _private(render(request, "counterpoints/confirm_address.html", context))
