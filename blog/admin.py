from django import forms
from django.contrib import admin
from django.db import models
from markdownx.admin import MarkdownxModelAdmin

from counterpoints import services as counterpoint_services
from counterpoints.admin import CounterpointInline
from counterpoints.models import Counterpoint

from .forms import CoverImageField
from .models import Hindsight, Post


class HindsightForm(forms.ModelForm):
    """A new verdict. It may credit approved counterpoints on its own post only."""

    class Meta:
        model = Hindsight
        fields = ["post", "verdict", "decided_at", "note", "credited"]

    def clean(self):
        cleaned = super().clean()
        post_id = cleaned["post"].pk if cleaned.get("post") else self.instance.post_id
        strangers = [c for c in cleaned.get("credited") or [] if c.post_id != post_id]
        if strangers:
            self.add_error("credited", "Only counterpoints on this post can be credited in its verdict.")
        return cleaned


class HindsightInline(admin.StackedInline):
    """
    A post's verdicts. Saved ones are shown read-only: the history is public
    and append-only, so a revision or a correction is a new verdict (issue 7).
    Only superusers may delete one (a verdict stamped on the wrong post).
    """

    model = Hindsight
    form = HindsightForm
    extra = 0
    fields = ["verdict", "decided_at", "note", "credited"]
    ordering = ["-decided_at", "-pk"]
    verbose_name_plural = "hindsight verdicts (saved ones are final: to revise, add a new verdict)"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "credited":
            kwargs["widget"] = forms.CheckboxSelectMultiple  # a post has few counterpoints
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The form class is built for this request, so narrowing it is safe.
        credited = formset.form.base_fields.get("credited")
        if credited is not None:
            credited.queryset = (
                Counterpoint.objects.approved().for_post_page(obj)
                if obj is not None
                else Counterpoint.objects.none()
            )
        return formset


class DueForVerdictFilter(admin.SimpleListFilter):
    title = "verdict due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("yes", "Due for a verdict")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=Post.objects.due_for_verdict().values("pk"))
        return queryset


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    list_display = ["title", "status", "published_at", "current_verdict", "check_back_by", "tag_list"]
    list_filter = [DueForVerdictFilter, "status", "published_at", "tags"]
    search_fields = ["title", "dek", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["word_count", "reading_minutes", "created_at", "updated_at"]
    autocomplete_fields = ["author"]
    # Cover images are checked from their bytes, re-encoded (no EXIF) and renamed.
    formfield_overrides = {
        **MarkdownxModelAdmin.formfield_overrides,
        models.ImageField: {"form_class": CoverImageField},
    }
    inlines = [HindsightInline, CounterpointInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body", "tags"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "author", "check_back_by", "counterpoints_open"]},
        ),
        ("Cover image", {"fields": ["cover_image", "cover_alt"], "classes": ["collapse"]}),
        ("Derived", {"fields": readonly_fields, "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="tags")
    def tag_list(self, post):
        return ", ".join(tag.name for tag in post.tags.all())

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Hindsight:
            for hindsight in formset.new_objects:
                counterpoint_services.announce_verdict(hindsight=hindsight)


@admin.register(Hindsight)
class HindsightAdmin(admin.ModelAdmin):
    """Verdicts across posts. A saved verdict opens read-only: history is append-only."""

    form = HindsightForm
    list_display = ["post", "verdict", "decided_at"]
    list_filter = ["verdict"]
    list_select_related = ["post"]
    search_fields = ["post__title", "note"]
    autocomplete_fields = ["post", "credited"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        counterpoint_services.announce_verdict(hindsight=obj)
