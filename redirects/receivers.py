"""
A post whose slug changes leaves a redirect behind, however it was saved
(the admin, an import, the shell): a receiver rather than a call in each
place, since a forgotten call would break every link to the old address.
"""

from .services import remember_redirect


def note_old_address(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old_slug = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old_slug and old_slug != instance.slug:
        instance._moved_from = sender(slug=old_slug).get_absolute_url()


def leave_redirect(sender, instance, raw=False, **kwargs):
    old_path = instance.__dict__.pop("_moved_from", None)
    if old_path and not raw:
        remember_redirect(old_path, instance.get_absolute_url())
