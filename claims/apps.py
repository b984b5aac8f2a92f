from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def claims_section(request, post, context):
    """The post page's claims: one query, shared by the claims summary and the form's claim choice."""
    return {"claims": post.claims.order_by("withdrawn", "order", "pk")}


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from blog.models import Post
        from blog.sections import post_page_section
        from blog.seeds import register_front_matter
        from core import markup

        from .markup import PLUGIN
        from .models import ClaimVerdict
        from .seeds import FRONT_MATTER
        from .services import refresh_claim_verdict, sync_claims_from_body

        # Posts' Markdown understands ``::: claim`` (the page, the preview, Post.clean, word counts).
        markup.register(PLUGIN)
        # Seed files may carry [[claims]] tables (claims/seeds.py).
        register_front_matter("claims", FRONT_MATTER)

        # One path for every way a post is saved (admin, seed loader, shell,
        # tests): its claims follow its text.
        def post_saved(sender, instance, raw=False, **kwargs):
            if not raw:
                sync_claims_from_body(instance)

        post_save.connect(post_saved, sender=Post, weak=False, dispatch_uid="claims-sync")
        post_page_section(claims_section)

        # A verdict deleted (by a superuser, possibly in bulk) hands the claim
        # back to the one before it, on the page too.
        def verdict_deleted(sender, instance, **kwargs):
            from .models import Claim

            claim = Claim.objects.filter(pk=instance.claim_id).select_related("post").first()
            if claim is not None:
                refresh_claim_verdict(claim)

        post_delete.connect(
            verdict_deleted, sender=ClaimVerdict, weak=False, dispatch_uid="claim-verdict-deleted"
        )
