"""The moderator's tool: a review queue that opens on pending counterpoints."""

from django.contrib import admin, messages
from django.utils.translation import ngettext

from . import services
from .models import Counterpoint, Status
from .signals import announce_change


class ReviewQueueFilter(admin.SimpleListFilter):
    """Status, defaulting to pending: the queue is what a moderator opens."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, "All")]

    def value(self):
        value = super().value()
        return value if value in {*Status.values, self.ALL} else Status.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
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


@admin.register(Counterpoint)
class CounterpointAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "post", "stance", "author_name", "status", "response", "submitted_at"]
    list_display_links = ["excerpt"]
    list_filter = [ReviewQueueFilter, "stance", "response", "post"]
    list_select_related = ["post"]
    search_fields = ["author_name", "author_email", "body"]
    ordering = ["-submitted_at", "-pk"]
    actions = ["approve", "reject", "mark_spam"]
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
    ]
    audit_fields = ["submitted_at", "reviewed_by", "reviewed_at", "ip_address", "user_agent"]
    readonly_fields = [*reader_fields, *audit_fields]
    fieldsets = [
        ("Counterpoint", {"fields": reader_fields}),
        ("Review", {"fields": ["status", "response", "author_reply", "moderator_note"]}),
        ("Audit", {"fields": audit_fields}),
    ]

    def has_add_permission(self, request):
        return False  # Counterpoints come from readers, through the form.

    @admin.display(description="counterpoint")
    def excerpt(self, counterpoint):
        return counterpoint.excerpt

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.review(obj.status, by=request.user)
        super().save_model(request, obj, form, change)
        announce_change(post_ids={obj.post_id})

    def _moderate(self, request, queryset, status, verb):
        changed = services.moderate_counterpoints(counterpoints=queryset, status=status, by=request.user)
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

    @admin.action(description="Approve selected counterpoints", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Status.APPROVED, "approved")

    @admin.action(description="Reject selected counterpoints", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Status.REJECTED, "rejected")

    @admin.action(description="Mark selected counterpoints as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Status.SPAM, "marked as spam")


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

    @admin.display(description="counterpoint")
    def excerpt(self, counterpoint):
        return counterpoint.excerpt
