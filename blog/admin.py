from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import models
from django.db.models import Count
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin
from taggit.models import Tag

from core.admin import DueForVerdictFilter

from .forms import CoverImageField
from .images import images_missing_alt
from .models import Hindsight, Page, Post, Series, SeriesPart, TagDescription
from .services import merge_tags, remember_tag_move


class HindsightForm(forms.ModelForm):
    """A new verdict (counterpoints/admin.py adds the readers it credits)."""

    class Meta:
        model = Hindsight
        fields = ["post", "verdict", "decided_at", "note"]


class HindsightInline(admin.StackedInline):
    """
    A post's verdicts. Saved ones are shown read-only: the history is public
    and append-only, so a revision or a correction is a new verdict (issue 7).
    Only superusers may delete one (a verdict stamped on the wrong post).
    """

    model = Hindsight
    form = HindsightForm
    extra = 0
    fields = ["verdict", "decided_at", "note"]
    ordering = ["-decided_at", "-pk"]
    verbose_name_plural = _("hindsight verdicts (saved ones are final: to revise, add a new verdict)")
    # Other apps add hints shown beside the verdict field, each a function of
    # the post returning text or None (claims: the verdict its claims suggest).
    verdict_hints = []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        hints = [hint for hint_for in self.verdict_hints if obj is not None and (hint := hint_for(obj))]
        if hints:
            # Beside the field, never chosen for the author: the verdict stays theirs.
            # (The form class is built for this request, so changing it is safe.)
            formset.form.base_fields["verdict"].help_text = " ".join(hints)
        return formset


class StateFilter(admin.SimpleListFilter):
    """Draft / Scheduled / Published: the status alone calls a scheduled post "published"."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Post.State.choices

    def queryset(self, request, queryset):
        if self.value() in Post.State.values:
            return queryset.in_state(self.value())
        return queryset


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    list_display = [
        "title",
        "state",
        "published_at",
        "author",
        "current_verdict",
        "check_back_by",
        "tag_list",
    ]
    list_filter = [StateFilter, DueForVerdictFilter, "published_at", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "dek", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    derived_fields = ["word_count", "reading_minutes", "created_at", "updated_at"]
    readonly_fields = ["publication_state", *derived_fields]
    autocomplete_fields = ["author"]
    actions = ["publish_now"]
    # Cover images are checked from their bytes, re-encoded (no EXIF) and renamed.
    formfield_overrides = {
        **MarkdownxModelAdmin.formfield_overrides,
        models.ImageField: {"form_class": CoverImageField},
    }
    # A post's page shows its verdicts, then what other apps add from their
    # own admin.py (which the admin imports after this one, in INSTALLED_APPS
    # order): claims their claims, counterpoints its counterpoints and the
    # readers a verdict credits. blog knows none of them.
    verdict_inline = HindsightInline
    extra_inlines = []
    # In the order an author works: write, tag, publish; verdicts follow as
    # an inline; what is rarely touched is folded away.
    fieldsets = [
        (None, {"fields": ["title", "dek", "body", "tags"]}),
        (
            _("Publishing"),
            {"fields": ["publication_state", "status", "published_at", "author", "check_back_by"]},
        ),
        (_("Cover image"), {"fields": ["cover_image", "cover_alt"], "classes": ["collapse"]}),
        (_("Address and counterpoints"), {"fields": ["slug", "counterpoints_open"], "classes": ["collapse"]}),
        (_("Derived"), {"fields": derived_fields, "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["editor/post-editor.css"]}
        js = ["editor/post-editor.js"]

    def get_inlines(self, request, obj):
        return [self.verdict_inline, *self.extra_inlines]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body":
            field.help_text = render_to_string("admin/blog/post/markdown_help.html")
            field.widget.attrs |= {
                "data-site-css": static("css/site.css"),
                "data-words-per-minute": settings.WORDS_PER_MINUTE,
            }
        elif db_field.name == "tags":
            field.widget.attrs["data-suggest-url"] = reverse("editor-tag-suggestions")
        return field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        undescribed = images_missing_alt(obj.body_html)
        if undescribed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d image in the body has no description (alt text) yet: %(names)s. "
                    "Readers who cannot see it get nothing.",
                    "%(count)d images in the body have no description (alt text) yet: %(names)s. "
                    "Readers who cannot see it get nothing.",
                    len(undescribed),
                )
                % {"count": len(undescribed), "names": ", ".join(undescribed)},
                messages.WARNING,
            )

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("tags"))
    def tag_list(self, post):
        return ", ".join(tag.name for tag in post.tags.all())

    @admin.display(description=_("state"), ordering="status")
    def state(self, post):
        return post.state.label

    @admin.display(description=_("state"))
    def publication_state(self, post):
        if post is None or post.pk is None:
            return gettext("Draft (not saved yet). Leave the date empty to stamp it when you publish.")
        if post.state == Post.State.SCHEDULED:
            return gettext("Scheduled: goes live %(when)s.") % {
                "when": formats.localize(timezone.localtime(post.published_at))
            }
        if post.state == Post.State.PUBLISHED:
            return gettext("Published %(when)s.") % {
                "when": formats.localize(timezone.localtime(post.published_at))
            }
        return gettext("Draft: readers cannot see it.")

    @admin.action(description=_("Publish selected posts now"), permissions=["change"])
    def publish_now(self, request, queryset):
        posts = list(queryset.exclude(pk__in=queryset.in_state(Post.State.PUBLISHED).values("pk")))
        for post in posts:
            post.publish()
        self.message_user(
            request,
            ngettext("Published %(count)d post.", "Published %(count)d posts.", len(posts))
            % {"count": len(posts)},
            messages.SUCCESS,
        )


@admin.register(Hindsight)
class HindsightAdmin(admin.ModelAdmin):
    """Verdicts across posts. A saved verdict opens read-only: history is append-only."""

    form = HindsightForm
    list_display = ["post", "verdict", "decided_at"]
    list_filter = ["verdict"]
    list_select_related = ["post"]
    search_fields = ["post__title", "note"]
    autocomplete_fields = ["post"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Page)
class PageAdmin(MarkdownxModelAdmin):
    """Standing pages: the about page and any other (issue 15)."""

    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


class SeriesPartInline(admin.TabularInline):
    model = SeriesPart
    extra = 1
    fields = ["position", "post"]
    autocomplete_fields = ["post"]
    ordering = ["position"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    """A series and its parts in order (issue 15): add posts inline, number them 1, 2, 3…"""

    list_display = ["title", "slug", "part_count", "updated_at"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description"]
    inlines = [SeriesPartInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(part_count=models.Count("parts"))

    @admin.display(description=_("parts"), ordering="part_count")
    def part_count(self, series):
        return series.part_count


class TagActionForm(ActionForm):
    """The changelist's action bar, with the tag a merge keeps."""

    into = forms.ModelChoiceField(
        Tag.objects.order_by("name"), required=False, label=_("into"), empty_label=_("(the tag to keep)")
    )


class TagDescriptionInline(admin.StackedInline):
    model = TagDescription
    can_delete = False
    max_num = 1
    verbose_name_plural = _("description")


# taggit's TagAdmin offers a merge that only rewrites taggit's own
# TaggedItem table; posts are tagged through blog.TaggedPost, so it said
# "Tags have been merged" and changed nothing (issue 14).
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags: rename (the old address keeps answering with a 301), describe, merge."""

    list_display = ["name", "slug", "post_count"]
    ordering = ["name"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TagDescriptionInline]
    action_form = TagActionForm
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("blog_taggedpost_items"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, tag):
        return tag.post_count

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        if old_slug:
            remember_tag_move(old_slug, obj.slug)

    @admin.action(
        description=_("Merge selected tags into the tag chosen beside the action"), permissions=["change"]
    )
    def merge_selected(self, request, queryset):
        into = TagActionForm(request.POST).fields["into"].clean(request.POST.get("into"))
        if into is None:
            self.message_user(
                request, gettext("Choose the tag to keep beside the action, then merge."), messages.ERROR
            )
            return
        merged = [tag for tag in queryset if tag.pk != into.pk]
        moved = merge_tags(tags=merged, into=into)
        names = ", ".join(tag.name for tag in merged) or gettext("nothing")
        self.message_user(
            request,
            ngettext(
                "Merged %(names)s into %(into)s: %(count)d post moved; the old addresses redirect.",
                "Merged %(names)s into %(into)s: %(count)d posts moved; the old addresses redirect.",
                moved,
            )
            % {"names": names, "into": into.name, "count": moved},
            messages.SUCCESS,
        )
