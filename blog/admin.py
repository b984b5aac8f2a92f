from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from counterpoints.admin import CounterpointInline

from .models import Hindsight, Post, Verdict


class HindsightInline(admin.StackedInline):
    model = Hindsight
    extra = 0
    fields = ["verdict", "decided_at", "note"]
    ordering = ["-decided_at"]


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    list_display = ["title", "status", "published_at", "current_verdict", "word_count", "tag_list"]
    list_filter = ["status", "published_at", "tags"]
    search_fields = ["title", "dek", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["word_count", "reading_minutes", "created_at", "updated_at"]
    autocomplete_fields = ["author"]
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
        return super().get_queryset(request).with_verdict().prefetch_related("tags")

    @admin.display(description="verdict", ordering="current_verdict")
    def current_verdict(self, post):
        return Verdict(post.current_verdict).label if post.current_verdict else "—"

    @admin.display(description="tags")
    def tag_list(self, post):
        return ", ".join(tag.name for tag in post.tags.all())

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Hindsight)
class HindsightAdmin(admin.ModelAdmin):
    list_display = ["post", "verdict", "decided_at"]
    list_filter = ["verdict"]
    list_select_related = ["post"]
    search_fields = ["post__title", "note"]
    autocomplete_fields = ["post"]
