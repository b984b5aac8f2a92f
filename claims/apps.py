from django.apps import AppConfig


def claims_section(request, post, context):
    """The post page's claims: one query, shared by the claims summary and the form's claim choice."""
    return {"claims": post.claims.order_by("withdrawn", "order", "pk")}


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from blog.models import Post
        from blog.sections import post_page_section

        from .models import ClaimVerdict
        from .services import sync_claims_from_body, verdicts_changed

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
                verdicts_changed(claim)

        post_delete.connect(
            verdict_deleted, sender=ClaimVerdict, weak=False, dispatch_uid="claim-verdict-deleted"
        )
