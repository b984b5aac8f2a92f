from django.contrib import admin

from .models import Redirect
from .services import forget_cached


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_cached([obj.old_path, form.initial.get("old_path", obj.old_path)])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_cached([obj.old_path])

    def delete_queryset(self, request, queryset):
        paths = list(queryset.values_list("old_path", flat=True))
        super().delete_queryset(request, queryset)
        forget_cached(paths)
