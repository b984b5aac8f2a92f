"""
Claims in the admin. A claim's text, confidence and date come from the
post's body (edit the post to change them); its verdicts are added here,
inline, and like a post's verdicts a saved one is final.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blog.admin import HindsightInline, PostAdmin
from core.admin import DueForVerdictFilter

from . import services
from .models import Claim, ClaimVerdict, Forecast


class ClaimVerdictInline(admin.TabularInline):
    model = ClaimVerdict
    extra = 1
    fields = ["verdict", "decided_at", "note"]
    verbose_name_plural = _("verdicts (saved ones are final: to revise, add a new verdict)")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ForecastInline(admin.TabularInline):
    model = Forecast
    extra = 0
    fields = ["counterpoint", "probability"]
    readonly_fields = fields
    verbose_name_plural = _("readers' forecasts (from counterpoints)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["text_start", "confidence", "current_verdict", "check_back_by", "post", "withdrawn"]
    list_filter = [DueForVerdictFilter, "current_verdict", "withdrawn"]
    list_select_related = ["post"]
    search_fields = ["text", "key", "post__title"]
    readonly_fields = [
        "post_link",
        "key",
        "text",
        "confidence",
        "check_back_by",
        "withdrawn",
        "current_verdict",
    ]
    fields = readonly_fields
    inlines = [ClaimVerdictInline, ForecastInline]

    def has_add_permission(self, request):
        return False  # claims are written in the post's body

    @admin.display(description=_("claim"))
    def text_start(self, claim):
        return claim.text[:100]

    @admin.display(description=_("post"))
    def post_link(self, claim):
        return format_html('<a href="{}">{}</a>', claim.get_absolute_url(), claim.post.title)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_claim_verdict(form.instance)


class ClaimInline(admin.TabularInline):
    """A post's claims, read-only, each linking to its page where verdicts are added."""

    model = Claim
    extra = 0
    fields = ["text", "confidence", "check_back_by", "current_verdict", "withdrawn"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("claims (from the body; open one to add its verdict)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


PostAdmin.extra_inlines.append(ClaimInline)  # on a post's page, after its verdicts


def verdict_its_claims_suggest(post):
    """Beside the post's verdict field: what its judged claims add up to (services.suggest_verdict)."""
    suggestion = services.suggested_post_verdict(post)
    if suggestion is None:
        return None
    return gettext("Its claims suggest: %(verdict)s (%(tally)s). The verdict is yours to choose.") % {
        "verdict": suggestion.label,
        "tally": suggestion.tally,
    }


HindsightInline.verdict_hints.append(verdict_its_claims_suggest)
