from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DueForVerdictFilter(admin.SimpleListFilter):
    """For any model whose QuerySet has ``due_for_verdict()``: posts and claims past their check-back date."""

    title = _("verdict due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("yes", _("Due for a verdict"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=queryset.model.objects.due_for_verdict().values("pk"))
        return queryset
