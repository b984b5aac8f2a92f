"""Forms the admin's editor uses: an image dropped into the body, a cover image."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .images import ReencodedImage, named_with_size, process_image


class ImageUploadForm(forms.Form):
    """What markdownx's editor posts: one file in the field ``image``."""

    image = forms.FileField(error_messages={"required": _("Choose an image to upload.")})

    def clean_image(self):
        return process_image(self.cleaned_data["image"])


class CoverImageField(forms.ImageField):
    """
    A form field that checks an uploaded image and replaces it with its
    re-encoded bytes under a server-chosen name (for the admin's cover image:
    ``formfield_overrides = {models.ImageField: {"form_class": CoverImageField}}``).
    """

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value is None or value is False or value is initial or getattr(value, "_committed", False):
            return value
        clean = process_image(value)
        # Post.save() stores the renditions once the file itself is stored.
        return ReencodedImage(named_with_size(clean), clean.content, content_type=clean.format.content_type)
