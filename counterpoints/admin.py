"""The moderator's tool: a review queue that opens on pending counterpoints."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from blog.admin import HindsightAdmin, HindsightForm, HindsightInline, PostAdmin
from blog.models import Hindsight

from . import services, trust
from .models import (
    BlockedPattern,
    ConfirmedAddress,
    Counterpoint,
    OutboxMail,
    RejectionReason,
    Status,
    Unsubscribed,
    can_respond_as_author,
)


class RejectionNoteForm(forms.Form):
    """What the "reject with a note" action asks before it rejects the selected counterpoints."""

    reason = forms.ChoiceField(
        label=_("reason"),
        choices=[("", _("(none: the note says it)")), *RejectionReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("note to the submitters"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("Each submitter reads it on their status page and in the mail that tells them."),
    )


class ReviewQueueFilter(admin.SimpleListFilter):
    """Status, defaulting to pending: the queue is what a moderator opens."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"
    UNREVIEWED = "unreviewed"  # trusted submitters' counterpoints, published at once

    def lookups(self, request, model_admin):
        # With how many each holds: two queries, however many rows.
        counts = dict(Counterpoint.objects.order_by().values_list("status").annotate(n=Count("pk")))
        unreviewed = Counterpoint.objects.approved().filter(published_without_review=True).count()
        return [
            *[(status, f"{label} ({counts.get(status, 0)})") for status, label in Status.choices],
            (self.UNREVIEWED, gettext("published without review (%(count)d)") % {"count": unreviewed}),
            (self.ALL, gettext("All (%(count)d)") % {"count": sum(counts.values())}),
        ]

    def value(self):
        value = super().value()
        return value if value in {*Status.values, self.UNREVIEWED, self.ALL} else Status.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        if self.value() == self.UNREVIEWED:
            return queryset.filter(status=Status.APPROVED, published_without_review=True)
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        # No implicit "All" first: here "All" is an explicit choice, and
        # no parameter at all means the pending queue.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class PostWithPendingFilter(admin.SimpleListFilter):
    """By post: only the posts with counterpoints waiting, busiest first (one query)."""

    title = _("post with pending counterpoints")
    parameter_name = "post__id__exact"

    def lookups(self, request, model_admin):
        # From the pending rows (the queue's index), not from every post.
        posts = (
            Counterpoint.objects.pending()
            .values_list("post_id", "post__title")
            .annotate(waiting=Count("pk"))
            .order_by("-waiting", "post__title")
        )
        return [(str(pk), f"{title} ({waiting})") for pk, title, waiting in posts]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(post_id=self.value())
        return queryset


@admin.register(Counterpoint)
class CounterpointAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "post", "stance", "author_name", "status", "response", "submitted_at"]
    list_display_links = ["excerpt"]
    list_filter = [
        ReviewQueueFilter,
        "blocklisted",
        "stance",
        "response",
        "rejection_reason",
        PostWithPendingFilter,
    ]
    list_select_related = ["post"]
    search_fields = ["author_name", "author_email", "body"]
    ordering = ["-submitted_at", "-pk"]
    actions = ["approve", "reject", "reject_with_note", "mark_spam", "ban_and_mark_spam", "revoke_trust"]
    # What the reader sent is theirs: a moderator approves or rejects it,
    # never rewrites it.
    reader_fields = [
        "post",
        "stance",
        "author_name",
        "author_email",
        "author_website",
        "quote",
        "body",
        # Approving the counterpoint approves this name for the public readers' record.
        "joins_record",
        "record_name",
    ]
    audit_fields = [
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "blocked_by",
        "ip_address",
        "user_agent",
        "status_page",
    ]
    readonly_fields = ["as_published", *reader_fields, *audit_fields]
    fieldsets = [
        (_("Counterpoint"), {"fields": ["as_published", *reader_fields]}),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    "rejection_reason",
                    "rejection_note",
                    "response",
                    "author_reply",
                    "moderator_note",
                ]
            },
        ),
        (_("Audit"), {"fields": audit_fields}),
    ]

    # The author's voice: only the post's author or a user with the
    # "respond as author" permission may set these (can_respond_as_author).
    author_fields = ["response", "author_reply"]

    def has_add_permission(self, request):
        return False  # Counterpoints come from readers, through the form.

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is None or not can_respond_as_author(request.user, obj.post):
            readonly = [*readonly, *self.author_fields]
        return readonly

    @admin.display(description=_("counterpoint"))
    def excerpt(self, counterpoint):
        # Plain words; the passage it answers first, when it quotes one.
        if counterpoint.quote:
            quote = Truncator(" ".join(counterpoint.quote.split())).chars(60)
            return format_html('<q class="quoted">{}</q> {}', quote, counterpoint.excerpt)
        return counterpoint.excerpt

    @admin.display(description=_("as readers would see it"))
    def as_published(self, counterpoint):
        # body_html is sanitised when it is stored (core.markup), so it may be shown as it is.
        quote = format_html("<blockquote>{}</blockquote>", counterpoint.quote) if counterpoint.quote else ""
        body = mark_safe(counterpoint.body_html)  # noqa: S308 (sanitised by nh3 when stored)
        return format_html('{}<div class="counterpoint-body">{}</div>', quote, body)

    @admin.display(description=_("submitter's status page"))
    def status_page(self, counterpoint):
        # What the submitter sees through their private link, reason included.
        url = settings.SITE_URL + counterpoint.get_status_url()
        return format_html('<a href="{}" rel="noreferrer">{}</a>', url, url)

    # Status, reason and note are changed by the moderation service alone,
    # and the author's answer by answer_counterpoint, never by the form's own
    # save: a change here stamps, logs and mails like a bulk action. The
    # form saves the rest (the private note).
    moderation_fields = {"status", "rejection_reason", "rejection_note"}

    def save_model(self, request, obj, form, change):
        initial = form.initial
        moderated = bool(self.moderation_fields.intersection(form.changed_data))
        answered = bool(set(self.author_fields).intersection(form.changed_data))
        if moderated:
            status, reason, note = obj.status, obj.rejection_reason or None, obj.rejection_note
            obj.status, obj.rejection_reason = initial["status"], initial["rejection_reason"]
            obj.rejection_note = initial["rejection_note"]
        if answered:
            response, reply = obj.response, obj.author_reply
            obj.response, obj.author_reply = initial["response"], initial["author_reply"]
        super().save_model(request, obj, form, change)
        if moderated:
            services.moderate_counterpoints(
                counterpoints=Counterpoint.objects.filter(pk=obj.pk),
                status=status,
                by=request.user,
                reason=reason,
                note=note,
            )
            obj.refresh_from_db(
                fields=["status", "rejection_reason", "rejection_note", "reviewed_by", "reviewed_at"]
            )
        if answered:
            services.answer_counterpoint(counterpoint=obj, response=response, reply=reply, by=request.user)
        # The services announce what readers see; the form's own save keeps
        # only the private note, which no page shows.
        obj._logged_by_service = moderated or answered

    def construct_change_message(self, request, form, formsets, add=False):
        # The services have logged moderation and answers in their own words.
        changed = form.changed_data
        logged = {*self.moderation_fields, *self.author_fields}
        form.__dict__["changed_data"] = [name for name in changed if name not in logged]
        try:
            return super().construct_change_message(request, form, formsets, add)
        finally:
            form.__dict__["changed_data"] = changed

    def log_change(self, request, obj, message):
        if getattr(obj, "_logged_by_service", False) and not message:
            return None  # no "No fields changed." beside the services' own entries
        return super().log_change(request, obj, message)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            # One "reject with a reason" action per templated reason.
            for reason in RejectionReason:
                name = f"reject_{reason.value}"
                description = gettext("Reject selected counterpoints: %(reason)s") % {"reason": reason.label}
                actions[name] = (self._reject_with(reason), name, description)
        return actions

    @staticmethod
    def _reject_with(reason):
        def action(modeladmin, request, queryset):
            modeladmin._moderate(
                request,
                queryset,
                Status.REJECTED,
                gettext("rejected (%(reason)s)") % {"reason": reason.label},
                reason=reason,
            )

        return action

    def _moderate(self, request, queryset, status, verb, reason=None, note=""):
        changed = services.moderate_counterpoints(
            counterpoints=queryset, status=status, by=request.user, reason=reason, note=note
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d counterpoint was %(verb)s.",
                "%(count)d counterpoints were %(verb)s.",
                changed,
            )
            % {"count": changed, "verb": verb},
            messages.SUCCESS if changed else messages.WARNING,
        )

    @admin.action(description=_("Approve selected counterpoints"), permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Status.APPROVED, gettext("approved"))

    @admin.action(description=_("Reject selected counterpoints"), permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Status.REJECTED, gettext("rejected"))

    @admin.action(description=_("Reject selected counterpoints with a note…"), permissions=["change"])
    def reject_with_note(self, request, queryset):
        """
        A page asking for the note (and a reason, if one fits) that every
        selected submitter reads on their status page and in their mail;
        sent, it rejects them all as the change form would one by one.
        """
        form = RejectionNoteForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"] or None
            self._moderate(
                request, queryset, Status.REJECTED, gettext("rejected"), reason, form.cleaned_data["note"]
            )
            return None  # back to the review queue, with the count
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject with a note"),
            "opts": self.model._meta,
            "counterpoints": queryset.select_related("post"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/counterpoints/counterpoint/reject_with_note.html", context)

    @admin.action(description=_("Mark selected counterpoints as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Status.SPAM, gettext("marked as spam"))

    @admin.action(description=_("Ban submitter (e-mail and IP) and mark as spam"), permissions=["change"])
    def ban_and_mark_spam(self, request, queryset):
        created, marked = services.ban_submitters(counterpoints=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(marked)d counterpoint was marked as spam; ",
                "%(marked)d counterpoints were marked as spam; ",
                marked,
            )
            % {"marked": marked}
            + ngettext("%(created)d blocklist entry added.", "%(created)d blocklist entries added.", created)
            % {"created": created},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Revoke trust in the submitters (their next ones wait for review)"),
        permissions=["change"],
    )
    def revoke_trust(self, request, queryset):
        revoked = trust.revoke_trust(emails=queryset.values_list("author_email", flat=True), by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d submitter is no longer trusted.",
                "%(count)d submitters are no longer trusted.",
                revoked,
            )
            % {"count": revoked},
            messages.SUCCESS if revoked else messages.WARNING,
        )


class CounterpointInline(admin.TabularInline):
    """On a post's admin page: its counterpoints, each a link to review it."""

    model = Counterpoint
    fields = ["submitted_at", "status", "stance", "author_name", "excerpt"]
    readonly_fields = fields
    ordering = ["-submitted_at", "-pk"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("counterpoint"))
    def excerpt(self, counterpoint):
        return counterpoint.excerpt


@admin.register(Unsubscribed)
class UnsubscribedAdmin(admin.ModelAdmin):
    """Addresses that asked for no more notifications (also addable by hand, on request)."""

    list_display = ["email", "unsubscribed_at"]
    search_fields = ["email"]
    date_hierarchy = "unsubscribed_at"


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """The mail outbox, to see what waits and why (sent by ``manage.py send_mail_outbox``)."""

    list_display = ["subject", "recipients", "created_at", "attempts", "send_after", "sent_at", "gave_up_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), ("gave_up_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=pgettext_lazy("mail recipients", "to"))
    def recipients(self, mail):
        return ", ".join(mail.to)


@admin.register(BlockedPattern)
class BlockedPatternAdmin(admin.ModelAdmin):
    """The blocklist: what matches is held as spam at once, silently (blocklist.py)."""

    list_display = ["value", "kind", "note", "hits", "last_hit_at", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    readonly_fields = ["hits", "last_hit_at", "created_by", "created_at"]
    fields = ["kind", "value", "note", *readonly_fields]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ConfirmedAddress)
class ConfirmedAddressAdmin(admin.ModelAdmin):
    """Addresses their owners confirmed; trust can be revoked (and given back) here too."""

    list_display = ["email", "confirmed_at", "in_record_since", "trust_revoked_at", "trust_revoked_by"]
    list_filter = [
        ("trust_revoked_at", admin.EmptyFieldListFilter),
        ("in_record_since", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email"]
    readonly_fields = ["email", "confirmed_at", "in_record_since", "trust_revoked_at", "trust_revoked_by"]
    actions = ["revoke", "restore", "remove_from_record"]

    def has_add_permission(self, request):
        return False  # only the address's owner confirms it

    @admin.action(description=_("Revoke trust"), permissions=["change"])
    def revoke(self, request, queryset):
        count = trust.revoke_trust(emails=queryset.values_list("email", flat=True), by=request.user)
        self.message_user(request, gettext("Trust revoked for %(count)d.") % {"count": count})

    @admin.action(description=_("Trust again"), permissions=["change"])
    def restore(self, request, queryset):
        count = queryset.update(trust_revoked_at=None, trust_revoked_by=None)
        self.message_user(request, gettext("Trusted again: %(count)d.") % {"count": count})

    @admin.action(description=_("Remove from the public readers' record"), permissions=["change"])
    def remove_from_record(self, request, queryset):
        emails = list(queryset.exclude(in_record_since=None).values_list("email", flat=True))
        with transaction.atomic():  # one refresh of the pages for all of them
            for email in emails:
                trust.leave_record(email)
        self.message_user(
            request, gettext("Removed from the readers' record: %(count)d.") % {"count": len(emails)}
        )


# On a post's admin page (blog/admin.py leaves room for them): its
# counterpoints, and, in a new verdict, the readers it credits.


class CreditingHindsightForm(HindsightForm):
    """A new verdict. It may credit approved counterpoints on its own post only."""

    class Meta(HindsightForm.Meta):
        fields = [*HindsightForm.Meta.fields, "credited"]

    user = None  # set per request by the admin: who is crediting

    def clean(self):
        cleaned = super().clean()
        post = cleaned.get("post") or getattr(self.instance, "post", None)
        strangers = [c for c in cleaned.get("credited") or [] if c.post_id != getattr(post, "pk", None)]
        if strangers:
            self.add_error(
                "credited", gettext("Only counterpoints on this post can be credited in its verdict.")
            )
        elif cleaned.get("credited") and self.user and not can_respond_as_author(self.user, post):
            self.add_error(
                "credited", gettext("Only the post's author credits counterpoints in its verdict.")
            )
        return cleaned


class AnnouncedVerdictFormSet(forms.BaseInlineFormSet):
    def save(self, commit=True):
        saved = super().save(commit)
        if commit:  # after its credits are saved: the mail says whom the verdict credits
            for hindsight in self.new_objects:
                services.mail_verdict_to_readers(hindsight=hindsight)
        return saved


class CreditingHindsightInline(HindsightInline):
    form = CreditingHindsightForm
    formset = AnnouncedVerdictFormSet
    fields = [*HindsightInline.fields, "credited"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "credited":
            kwargs["widget"] = forms.CheckboxSelectMultiple  # a post has few counterpoints
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not can_respond_as_author(request.user, obj):
            fields = [name for name in fields if name != "credited"]  # the author's voice
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user
        # The form class is built for this request, so narrowing it is safe.
        credited = formset.form.base_fields.get("credited")
        if credited is not None:
            credited.queryset = (
                Counterpoint.objects.approved().for_post_page(obj)
                if obj is not None
                else Counterpoint.objects.none()
            )
        return formset


PostAdmin.verdict_inline = CreditingHindsightInline
PostAdmin.extra_inlines.append(CounterpointInline)


admin.site.unregister(Hindsight)


@admin.register(Hindsight)
class CreditingHindsightAdmin(HindsightAdmin):
    """Verdicts across posts, with the readers each credits."""

    form = CreditingHindsightForm
    autocomplete_fields = [*HindsightAdmin.autocomplete_fields, "credited"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After its credits are saved: the mail says whom the verdict credits.
        services.mail_verdict_to_readers(hindsight=form.instance)
