"""
Old addresses that still answer: a post's slug changed, a tag was renamed or
merged, a blog moved in from another engine. Looked up only when a request
would otherwise be a 404 (see middleware.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Redirect(models.Model):
    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_(
            "A path on this site, with its query string if it has one: /2019/05/my-post/ or /?p=123."
        ),
    )
    new_path = models.CharField(
        _("new address"), max_length=500, help_text=_("Where it moved: /posts/my-post/.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        ordering = ["old_path"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(old_path=models.F("new_path")), name="redirect_moves"),
        ]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"
